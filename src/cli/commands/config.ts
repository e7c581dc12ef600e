/**
 * Configuration as code (docs/config-as-code.md): `switchyard export` writes the server's buses,
 * rules, connections and schemas as one YAML (or JSON) document; `diff -f FILE` prints what
 * `apply -f FILE` would change; `apply` makes the server match the document, idempotently.
 * Exit codes: 0 no change or applied, 1 failed (or a conflict), 2 usage, 3 `diff --exit-code`
 * found changes.
 */
import { writeFile } from 'node:fs/promises';
import { stringify as toYaml } from 'yaml';
import type { SwitchyardClient } from '../client.js';
import { configValue, MASK, parseConfig, planChanges, readServerState, type Change, type ConfigDoc, type Plan } from '../config/index.js';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext, type Env } from '../context.js';
import { ExitStatus, UsageError } from '../errors.js';
import { DocumentReader } from '../input.js';
import { printJson } from '../output.js';

interface ExportFlags extends ClientFlags {
  readonly out?: string;
  readonly format?: string;
}

interface PlanFlags extends ClientFlags {
  readonly file?: string;
  readonly prune?: boolean;
  readonly updateSecrets?: boolean;
  readonly exitCode?: boolean;
  readonly dryRun?: boolean;
}

/** `${env:SWITCHYARD_CRM_PASSWORD}` for the secret `password` of connection `crm`. */
const secretRef = (connection: string, field: string): string => `\${env:SWITCHYARD_${`${connection}_${field}`.replace(/[^A-Za-z0-9]+/g, '_').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}}`;

/** The export: secrets the server masks become `${env:…}` references, never values. */
function exported(doc: ConfigDoc): ConfigDoc {
  return {
    ...doc,
    connections: doc.connections.map((c) => ({ name: c.name, fields: Object.fromEntries(Object.entries(c.fields).map(([k, v]) => [k, v === MASK ? secretRef(c.name, k) : v])) })),
  };
}

async function loadPlan(f: PlanFlags, ctx: CommandContext, client: SwitchyardClient, verb: string): Promise<Plan> {
  if (f.file === undefined) throw new UsageError(`${verb} needs the configuration document: -f FILE (or -f - for stdin)`);
  const desired = parseConfig((await new DocumentReader(ctx.io).file('-f', f.file)).value, f.file);
  const sends = verb === 'apply' && f.dryRun !== true;
  return planChanges(desired, await readServerState(client), { prune: f.prune === true, updateSecrets: f.updateSecrets === true, env: ctx.env, missingEnv: sends ? 'throw' : 'keep' });
}

const line = (c: Change): string => `${c.op === 'create' ? '+' : c.op === 'delete' ? '-' : '~'} ${c.kind} ${c.name}${c.fields === undefined ? '' : ` (${c.fields.join(', ')})`}`;

function printPlan(ctx: CommandContext, plan: Plan, asJson: boolean): void {
  if (asJson) {
    printJson(ctx.io.stdout, { changes: plan.changes.map(({ op, kind, name, fields }) => ({ op, kind, name, ...(fields === undefined ? {} : { fields }) })), conflicts: plan.conflicts });
    return;
  }
  if (plan.changes.length === 0 && plan.conflicts.length === 0) ctx.io.stdout.write('no changes: the server matches the document\n');
  for (const c of plan.changes) ctx.io.stdout.write(`${line(c)}\n`);
  for (const c of plan.conflicts) ctx.io.stderr.write(`conflict: ${c.name}: ${c.reason}\n`);
}

/**
 * Applies a plan in order, stopping at the first failure (what ran before it stays applied:
 * running apply again continues from there). Throws the failure after saying how far it got.
 */
export async function applyPlan(plan: Plan, client: SwitchyardClient, out: (line: string) => void): Promise<void> {
  if (plan.conflicts.length > 0) {
    for (const c of plan.conflicts) out(`conflict: ${c.name}: ${c.reason}`);
    out(`nothing applied: ${plan.conflicts.length} conflict(s)`);
    throw new ExitStatus(1);
  }
  let done = 0;
  for (const c of plan.changes) {
    try {
      await c.run(client);
    } catch (e) {
      out(`failed at ${line(c)} after ${done} of ${plan.changes.length} change(s)`);
      throw e;
    }
    done++;
    out(line(c));
  }
  out(plan.changes.length === 0 ? 'no changes: the server matches the document' : `applied ${done} change(s)`);
}

/** Reads, plans and applies a document against a running server (`switchyard start --apply`). */
export async function applyFile(file: string, client: SwitchyardClient, env: Env, ctx: CommandContext): Promise<void> {
  const desired = parseConfig((await new DocumentReader(ctx.io).file('--apply', file)).value, file);
  const plan = planChanges(desired, await readServerState(client), { prune: false, updateSecrets: false, env, missingEnv: 'throw' });
  await applyPlan(plan, client, (l) => ctx.io.stderr.write(`apply: ${l}\n`));
}

/** `switchyard export|diff|apply`. */
export const configCommand: ClientCommand = {
  name: 'export', // with diff and apply: the docs section is "export / diff / apply"
  register(program, ctx) {
    withClientOptions(program.command('export')).description('write the server\'s buses, rules, connections (secrets as ${env:…} references) and schemas as one YAML or JSON document')
      .option('-o, --out <file>', 'write to this file instead of stdout (.json writes JSON)')
      .option('--format <format>', 'yaml (default) or json')
      .action(async (f: ExportFlags) => {
        const format = f.format ?? (f.out?.toLowerCase().endsWith('.json') === true ? 'json' : 'yaml');
        if (format !== 'yaml' && format !== 'json') throw new UsageError(`--format "${f.format}" must be yaml or json`);
        const value = configValue(exported(await readServerState(clientFor(f, ctx.env))));
        const text = format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : toYaml(value, { lineWidth: 0 });
        if (f.out === undefined) return void ctx.io.stdout.write(text);
        try {
          await writeFile(f.out, text);
        } catch (e) {
          throw new UsageError(`--out ${f.out}: ${(e as Error).message}`);
        }
        ctx.io.stderr.write(`wrote ${f.out}\n`);
      });
    const planOptions = (c: ReturnType<typeof withClientOptions>): ReturnType<typeof withClientOptions> => c
      .requiredOption('-f, --file <file>', 'the configuration document (YAML or JSON; - reads stdin)')
      .option('--prune', 'also delete what the server has and the document does not (never the built-in buses)')
      .option('--update-secrets', 'put every connection again so changed secrets reach the server (secrets cannot be compared)');
    planOptions(withClientOptions(program.command('diff')).description('print what apply would change: + create, ~ update (fields), - delete (with --prune)'))
      .option('--exit-code', 'exit 3 when there are changes (0 when none)')
      .action(async (f: PlanFlags) => {
        const plan = await loadPlan(f, ctx, clientFor(f, ctx.env), 'diff');
        printPlan(ctx, plan, f.json === true);
        if (plan.conflicts.length > 0) throw new ExitStatus(1);
        if (f.exitCode === true && plan.changes.length > 0) throw new ExitStatus(3);
      });
    planOptions(withClientOptions(program.command('apply')).description('make the server match the document; a second apply changes nothing'))
      .option('--dry-run', 'print the changes; change nothing (same as diff)')
      .action(async (f: PlanFlags) => {
        const client = clientFor(f, ctx.env);
        const plan = await loadPlan(f, ctx, client, 'apply');
        if (f.dryRun === true) {
          printPlan(ctx, plan, f.json === true);
          if (plan.conflicts.length > 0) throw new ExitStatus(1);
          return;
        }
        await applyPlan(plan, client, (l) => ctx.io.stdout.write(`${l}\n`));
      });
  },
};
