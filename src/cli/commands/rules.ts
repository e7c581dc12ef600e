/**
 * `switchyard rules list|get|put|delete|enable|disable`: the rules of a bus through the REST API
 * (`/v1/buses/{bus}/rules/{name}`, docs/api.md). A rule is put from a rule file (JSON or YAML,
 * `-` for stdin) and/or from flags; JSON inputs are sent as their own text, so number literals
 * reach the server byte-exact. Failures are thrown for `runProgram` to report.
 */
import type { Command } from 'commander';
import { segment } from '../client.js';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { DocumentReader, requireArray, requireObject, type Document } from '../input.js';
import { memberText } from '../json-text.js';
import { printJson, printJsonText, printTable } from '../output.js';

/** A rule as `GET /v1/buses/{bus}/rules[/{name}]` shows it. */
interface RuleView {
  readonly bus: string;
  readonly name: string;
  readonly description: string | null;
  readonly state: 'enabled' | 'disabled';
  readonly filter: Readonly<Record<string, unknown>>;
  readonly targets: readonly unknown[];
  readonly updatedAt: string;
  readonly warnings?: readonly { path: string; reason: string }[];
}

interface BusFlags extends ClientFlags {
  readonly bus: string;
}

interface PutFlags extends ClientFlags {
  readonly bus?: string;
  readonly file?: string;
  readonly pattern?: string;
  readonly sql?: string;
  readonly filters?: string;
  readonly targets?: string;
  readonly description?: string;
  readonly disabled?: boolean;
  readonly enabled?: boolean;
}

/** Members of a rule file sent to the server as they are. */
const SENT = ['filter', 'targets', 'description', 'state'] as const;
/** Members of a rule file that address the rule (checked against the command line, not sent). */
const ADDRESS = ['name', 'bus'] as const;
/** Members `rules get --json` prints that the server sets itself: accepted and ignored, so a got rule can be put back. */
const READ_ONLY = ['createdAt', 'updatedAt', 'warnings'];

const rulePath = (bus: string, name: string): string => `/v1/buses/${segment(bus)}/rules/${segment(name)}`;

/** The filter's dialect as the list shows it. */
function filterKind(filter: Readonly<Record<string, unknown>>): string {
  if ('sql' in filter) return 'sql';
  if ('filters' in filter) return 'filters';
  return 'pattern';
}

/** The rule file's name or bus, reconciled with the command line's (they must agree when both are given). */
function addressPart(what: 'name' | 'bus', cli: string | undefined, file: unknown, origin: string): string | undefined {
  if (file !== undefined && typeof file !== 'string') throw new UsageError(`${origin}: "${what}" must be a string`);
  if (cli !== undefined && file !== undefined && cli !== file) throw new UsageError(`the rule ${what} is "${cli}" on the command line but "${file}" in ${origin}`);
  return cli ?? file;
}

/** The `rules put` request: where the rule goes and its body as JSON text. */
interface PutRequest {
  readonly bus: string;
  readonly name: string;
  readonly body: string;
}

/**
 * Builds the `rules put` request from an optional rule file and the flags. The filter comes from
 * exactly one place (the file's `filter`, --pattern, --sql or --filters), the targets from the
 * file or --targets (not both); --description and --enabled/--disabled win over the file.
 */
async function putRequest(nameArg: string | undefined, f: PutFlags, reader: DocumentReader): Promise<PutRequest> {
  const members = new Map<string, string>();
  let rule: Document | undefined;
  let fileAddress: Record<string, unknown> = {};
  if (f.file !== undefined) {
    rule = await reader.file('--file', f.file);
    const obj = requireObject(rule, 'a rule');
    const unknown = Object.keys(obj).filter((k) => !(SENT as readonly string[]).includes(k) && !(ADDRESS as readonly string[]).includes(k) && !READ_ONLY.includes(k));
    if (unknown.length > 0) {
      throw new UsageError(`${rule.origin}: unknown member(s) ${unknown.map((k) => `"${k}"`).join(', ')}; a rule file holds filter, targets, description, state (and optionally name, bus)`);
    }
    for (const k of SENT) {
      const text = memberText(rule.text, k);
      if (text !== undefined) members.set(k, text);
    }
    fileAddress = obj;
  }
  const name = addressPart('name', nameArg, fileAddress.name, rule?.origin ?? '');
  if (name === undefined) throw new UsageError('rules put needs the rule name: switchyard rules put <name> (or "name" in the rule file)');
  const bus = addressPart('bus', f.bus, fileAddress.bus, rule?.origin ?? '') ?? 'default';

  const filterFlags = [f.pattern !== undefined && '--pattern', f.sql !== undefined && '--sql', f.filters !== undefined && '--filters'].filter((x) => x !== false);
  if (filterFlags.length > 1) throw new UsageError(`give one filter, not ${filterFlags.join(' and ')}`);
  if (filterFlags.length === 1 && members.has('filter')) throw new UsageError(`${rule!.origin} already has a filter; drop it or ${filterFlags[0]}`);
  if (f.pattern !== undefined) {
    const doc = await reader.file('--pattern', f.pattern);
    requireObject(doc, 'an event pattern');
    members.set('filter', `{"pattern":${doc.text}}`);
  } else if (f.filters !== undefined) {
    const doc = await reader.file('--filters', f.filters);
    requireArray(doc, 'CloudEvents Subscriptions filters');
    members.set('filter', `{"filters":${doc.text}}`);
  } else if (f.sql !== undefined) {
    members.set('filter', `{"sql":${JSON.stringify(f.sql)}}`);
  }
  if (!members.has('filter')) throw new UsageError('rules put needs a filter: --pattern <file>, --sql <expression>, --filters <file>, or a rule file (--file) with "filter"');

  if (f.targets !== undefined) {
    if (members.has('targets')) throw new UsageError(`${rule!.origin} already has targets; drop them or --targets`);
    const doc = await reader.file('--targets', f.targets);
    requireArray(doc, 'a list of targets');
    members.set('targets', doc.text);
  }
  if (f.description !== undefined) members.set('description', JSON.stringify(f.description));
  if (f.enabled === true && f.disabled === true) throw new UsageError('give --enabled or --disabled, not both');
  if (f.enabled === true) members.set('state', '"enabled"');
  if (f.disabled === true) members.set('state', '"disabled"');
  return { bus, name, body: `{${[...members].map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}` };
}

/** Adds `--bus` (default `default`) to a rule subcommand. */
function onBus(cmd: Command): Command {
  return withClientOptions(cmd.option('-b, --bus <bus>', 'the bus', 'default'));
}

function register(program: Command, { env, io }: CommandContext): void {
  const rules = program.command('rules').description('manage the rules of a bus: a filter and its targets');

  onBus(rules.command('list').description('list the rules of a bus'))
    .action(async (f: BusFlags) => {
      const { text } = await clientFor(f, env).send('GET', `/v1/buses/${segment(f.bus)}/rules`);
      if (f.json === true) return printJsonText(io.stdout, text);
      const { items } = JSON.parse(text) as { items: RuleView[] };
      if (items.length === 0) return void io.stdout.write(`no rules on bus ${f.bus}\n`);
      printTable(io.stdout, ['name', 'state', 'filter', 'targets', 'updated', 'description'], items.map((r) => [
        r.name, r.state, filterKind(r.filter), r.targets.length, r.updatedAt, r.description,
      ]));
    });

  onBus(rules.command('get').description('print one rule as JSON (put it back with rules put --file)'))
    .argument('<name>', 'rule name')
    .action(async (name: string, f: BusFlags) => {
      printJsonText(io.stdout, (await clientFor(f, env).send('GET', rulePath(f.bus, name))).text);
    });

  withClientOptions(rules.command('put'))
    .description('create or replace a rule, from a rule file (JSON or YAML; - for stdin) and/or flags')
    .argument('[name]', 'rule name (default: "name" in the rule file)')
    .option('-b, --bus <bus>', 'the bus (default: "bus" in the rule file, else default)')
    .option('-f, --file <file>', 'rule file: { filter, targets?, description?, state? }; - reads stdin')
    .option('--pattern <file>', 'filter: an event pattern file (docs/patterns.md); - reads stdin')
    .option('--sql <expression>', 'filter: a CESQL expression (docs/cesql.md)')
    .option('--filters <file>', 'filter: a CloudEvents Subscriptions filters array; - reads stdin')
    .option('--targets <file>', 'a JSON/YAML array of targets (docs/targets.md); - reads stdin')
    .option('--description <text>', 'what the rule is for')
    .option('--disabled', 'store the rule disabled (it matches nothing until enabled)')
    .option('--enabled', 'store the rule enabled (the default)')
    .action(async (nameArg: string | undefined, f: PutFlags) => {
      const req = await putRequest(nameArg, f, new DocumentReader(io));
      const answer = await clientFor(f, env).send('PUT', rulePath(req.bus, req.name), { body: req.body, contentType: 'application/json' });
      if (f.json === true) return printJsonText(io.stdout, answer.text);
      const r = JSON.parse(answer.text) as RuleView;
      io.stdout.write(`rule ${r.name} ${answer.status === 201 ? 'created' : 'replaced'} on bus ${req.bus} (${r.state}, ${r.targets.length} target(s))\n`);
      for (const w of r.warnings ?? []) io.stderr.write(`warning: ${w.path}: ${w.reason}\n`);
    });

  onBus(rules.command('delete').description('delete a rule'))
    .argument('<name>', 'rule name')
    .action(async (name: string, f: BusFlags) => {
      await clientFor(f, env).send('DELETE', rulePath(f.bus, name));
      if (f.json === true) return printJson(io.stdout, { deleted: name, bus: f.bus });
      io.stdout.write(`rule ${name} deleted from bus ${f.bus}\n`);
    });

  for (const verb of ['enable', 'disable'] as const) {
    onBus(rules.command(verb).description(verb === 'enable' ? 'enable a rule' : 'disable a rule (it matches nothing until enabled)'))
      .argument('<name>', 'rule name')
      .action(async (name: string, f: BusFlags) => {
        const answer = await clientFor(f, env).send('POST', `${rulePath(f.bus, name)}/${verb}`);
        if (f.json === true) return printJsonText(io.stdout, answer.text);
        io.stdout.write(`rule ${name} on bus ${f.bus} is ${verb}d\n`);
      });
  }
}

/** `switchyard rules …` */
export const rulesCommand: ClientCommand = { name: 'rules', register };
