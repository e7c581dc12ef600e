/**
 * `switchyard rules list|get|put|delete|enable|disable`: the rules of a bus through the REST API
 * (`/v1/buses/{bus}/rules/{name}`, docs/api.md). Filters and targets are read from files and
 * sent as the files' own text, so number literals reach the server byte-exact. Failures are
 * thrown (ApiError, ConnectionError, UsageError) for `runProgram` to report.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { segment } from '../client.js';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { readAll, type CliIo } from '../io.js';
import { printJsonText, printTable } from '../output.js';

/** A rule as `GET /v1/buses/{bus}/rules[/{name}]` shows it. */
interface RuleView {
  readonly name: string;
  readonly description: string | null;
  readonly state: 'enabled' | 'disabled';
  readonly filter: Readonly<Record<string, unknown>>;
  readonly targets: readonly unknown[];
  readonly updatedAt: string;
}

interface RuleFlags extends ClientFlags {
  readonly bus: string;
  readonly name: string;
}

interface PutFlags extends RuleFlags {
  readonly patternFile?: string;
  readonly sql?: string;
  readonly filtersFile?: string;
  readonly targetsFile?: string;
  readonly description?: string;
  readonly disabled?: boolean;
}

/**
 * The text of a JSON file flag (`-` reads stdin), checked to be JSON so a typo is a usage error
 * here rather than a confusing server answer. The text itself is what gets sent.
 */
export async function jsonFileText(flag: string, file: string, io: CliIo): Promise<string> {
  let text: string;
  try {
    text = file === '-' ? await readAll(io.stdin) : readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${flag} ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${flag} ${file}: not valid JSON (${(e as Error).message})`);
  }
  return text.trim();
}

const rulePath = (f: RuleFlags): string => `/v1/buses/${segment(f.bus)}/rules/${segment(f.name)}`;

/** The filter's dialect as the list shows it. */
function filterKind(filter: Readonly<Record<string, unknown>>): string {
  if ('sql' in filter) return 'sql';
  if ('filters' in filter) return 'filters';
  return 'pattern';
}

/** The request body of `rules put`, as JSON text (file contents embedded verbatim). */
async function putBody(f: PutFlags, io: CliIo): Promise<string> {
  const given = [f.patternFile, f.sql, f.filtersFile].filter((x) => x !== undefined).length;
  if (given !== 1) throw new UsageError('give exactly one filter: --pattern-file <file>, --sql <expression> or --filters-file <file>');
  let filter: string;
  if (f.patternFile !== undefined) filter = `{"pattern":${await jsonFileText('--pattern-file', f.patternFile, io)}}`;
  else if (f.filtersFile !== undefined) filter = `{"filters":${await jsonFileText('--filters-file', f.filtersFile, io)}}`;
  else filter = `{"sql":${JSON.stringify(f.sql)}}`;
  const members = [`"filter":${filter}`];
  if (f.targetsFile !== undefined) members.push(`"targets":${await jsonFileText('--targets-file', f.targetsFile, io)}`);
  if (f.description !== undefined) members.push(`"description":${JSON.stringify(f.description)}`);
  if (f.disabled === true) members.push('"state":"disabled"');
  return `{${members.join(',')}}`;
}

/** Adds the `--bus` and `--name` flags every rule subcommand takes. */
function ruleCommand(parent: Command, name: string, description: string): Command {
  return withClientOptions(
    parent
      .command(name)
      .description(description)
      .option('--bus <bus>', 'the bus', 'default')
      .requiredOption('--name <name>', 'the rule name'),
  );
}

function register(program: Command, { env, io }: CommandContext): void {
  const rules = program.command('rules').description('manage the rules of a bus (filters and targets)');

  withClientOptions(rules.command('list').description('list the rules of a bus').option('--bus <bus>', 'the bus', 'default'))
    .action(async (f: ClientFlags & { bus: string }) => {
      const { text } = await clientFor(f, env).send('GET', `/v1/buses/${segment(f.bus)}/rules`);
      if (f.json === true) return printJsonText(io.stdout, text);
      const { items } = JSON.parse(text) as { items: RuleView[] };
      if (items.length === 0) return void io.stdout.write(`no rules on bus ${f.bus}\n`);
      printTable(io.stdout, ['name', 'state', 'filter', 'targets', 'updated', 'description'], items.map((r) => [
        r.name, r.state, filterKind(r.filter), r.targets.length, r.updatedAt, r.description,
      ]));
    });

  ruleCommand(rules, 'get', 'show one rule (JSON)').action(async (f: RuleFlags) => {
    printJsonText(io.stdout, (await clientFor(f, env).send('GET', rulePath(f))).text);
  });

  ruleCommand(rules, 'put', 'create or replace a rule')
    .option('--pattern-file <file>', 'an event pattern (docs/patterns.md), - for stdin')
    .option('--sql <expression>', 'a CESQL expression (docs/cesql.md)')
    .option('--filters-file <file>', 'a CloudEvents Subscriptions filters array')
    .option('--targets-file <file>', 'a JSON array of targets (docs/api.md)')
    .option('--description <text>', 'what the rule is for')
    .option('--disabled', 'store the rule disabled')
    .action(async (f: PutFlags) => {
      const body = await putBody(f, io);
      const answer = await clientFor(f, env).send('PUT', rulePath(f), { body, contentType: 'application/json' });
      if (f.json === true) return printJsonText(io.stdout, answer.text);
      const r = JSON.parse(answer.text) as RuleView;
      io.stdout.write(`rule ${r.name} ${answer.status === 201 ? 'created' : 'replaced'} on bus ${f.bus} (${r.state}, ${r.targets.length} target(s))\n`);
    });

  ruleCommand(rules, 'delete', 'delete a rule').action(async (f: RuleFlags) => {
    await clientFor(f, env).send('DELETE', rulePath(f));
    io.stdout.write(`rule ${f.name} deleted from bus ${f.bus}\n`);
  });

  for (const verb of ['enable', 'disable'] as const) {
    ruleCommand(rules, verb, `${verb} a rule (a disabled rule matches nothing)`).action(async (f: RuleFlags) => {
      const answer = await clientFor(f, env).send('POST', `${rulePath(f)}/${verb}`);
      if (f.json === true) return printJsonText(io.stdout, answer.text);
      io.stdout.write(`rule ${f.name} on bus ${f.bus} is ${verb}d\n`);
    });
  }
}

/** `switchyard rules …` */
export const rulesCommand: ClientCommand = { name: 'rules', register };
