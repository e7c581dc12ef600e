/**
 * `switchyard schedules list|get|put|delete|pause|resume`: scheduled events
 * (`/v1/schedules`, docs/scheduler.md). `put` takes a schedule file, or the common fields as
 * flags (`--bus --expression --type --source` …).
 */
import { segment } from '../client.js';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { DocumentReader, inlineDocument, requireObject } from '../input.js';
import { printJson, printJsonText, printTable } from '../output.js';

interface ScheduleView {
  readonly name: string;
  readonly bus: string;
  readonly expression: string;
  readonly timezone: string;
  readonly state: string;
  readonly catchUp: string;
  readonly event: { readonly type: string; readonly source: string };
  readonly nextFires: readonly string[];
  readonly status?: { readonly lastFireAt: string | null; readonly lastError: string | null };
}

interface PutFlags extends ClientFlags {
  readonly file?: string;
  readonly bus?: string;
  readonly expression?: string;
  readonly timezone?: string;
  readonly type?: string;
  readonly source?: string;
  readonly subject?: string;
  readonly data?: string;
  readonly catchUp?: string;
  readonly maxCatchUp?: string;
  readonly flexibleWindowMs?: string;
  readonly start?: string;
  readonly end?: string;
  readonly disabled?: boolean;
}

const path = (name: string): string => `/v1/schedules/${segment(name)}`;

function print(ctx: CommandContext, items: readonly ScheduleView[]): void {
  printTable(ctx.io.stdout, ['name', 'bus', 'expression', 'timezone', 'state', 'event type', 'next fire', 'last fire', 'last error'], items.map((s) => [
    s.name, s.bus, s.expression, s.timezone, s.state, s.event.type, s.nextFires[0] ?? '-', s.status?.lastFireAt ?? '-', s.status?.lastError ?? '',
  ]));
}

const FLAG_FIELDS = ['bus', 'expression', 'timezone', 'type', 'source', 'subject', 'data', 'catchUp', 'maxCatchUp', 'flexibleWindowMs', 'start', 'end', 'disabled'] as const;

async function fromFlags(f: PutFlags): Promise<Record<string, unknown>> {
  const missing = (['bus', 'expression', 'type', 'source'] as const).filter((k) => f[k] === undefined);
  if (missing.length > 0) throw new UsageError(`schedules put needs a schedule file, or --${missing.join(', --')}`);
  const int = (flag: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    if (!/^\d{1,15}$/.test(v)) throw new UsageError(`--${flag} must be a whole number`);
    return Number(v);
  };
  const event: Record<string, unknown> = { type: f.type, source: f.source };
  if (f.subject !== undefined) event['subject'] = f.subject;
  if (f.data !== undefined) event['data'] = (await inlineDocument('--data', f.data)).value;
  const body: Record<string, unknown> = { bus: f.bus, expression: f.expression, event };
  if (f.timezone !== undefined) body['timezone'] = f.timezone;
  if (f.catchUp !== undefined) body['catchUp'] = f.catchUp;
  const max = int('max-catch-up', f.maxCatchUp);
  if (max !== undefined) body['maxCatchUp'] = max;
  const flex = int('flexible-window-ms', f.flexibleWindowMs);
  if (flex !== undefined) body['flexibleWindowMs'] = flex;
  if (f.start !== undefined) body['start'] = f.start;
  if (f.end !== undefined) body['end'] = f.end;
  if (f.disabled === true) body['state'] = 'disabled';
  return body;
}

async function put(name: string, fileArg: string | undefined, f: PutFlags, ctx: CommandContext): Promise<void> {
  if (fileArg !== undefined && f.file !== undefined) throw new UsageError('give the schedule file once: either as an argument or with --file');
  const file = fileArg ?? f.file;
  let body: Record<string, unknown>;
  if (file !== undefined) {
    const given = FLAG_FIELDS.filter((k) => f[k] !== undefined);
    if (given.length > 0) throw new UsageError(`a schedule file and --${given.join(', --')} cannot be combined`);
    body = requireObject(await new DocumentReader(ctx.io).file('--file', file), 'a schedule') as Record<string, unknown>;
  } else {
    body = await fromFlags(f);
  }
  const answer = await clientFor(f, ctx.env).send('PUT', path(name), { body: JSON.stringify(body), contentType: 'application/json' });
  if (f.json === true) return printJsonText(ctx.io.stdout, answer.text);
  const s = JSON.parse(answer.text) as ScheduleView;
  ctx.io.stdout.write(`${answer.status === 201 ? 'created' : 'replaced'} schedule ${s.name} (${s.expression}, ${s.timezone}); next fire ${s.nextFires[0] ?? 'none'}\n`);
}

async function setState(name: string, state: 'enabled' | 'disabled', f: ClientFlags, ctx: CommandContext): Promise<void> {
  const client = clientFor(f, ctx.env);
  const current = JSON.parse((await client.send('GET', path(name))).text) as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  for (const k of ['bus', 'expression', 'timezone', 'event', 'start', 'end', 'flexibleWindowMs', 'catchUp', 'maxCatchUp', 'description']) {
    if (current[k] !== undefined) body[k] = current[k];
  }
  body['state'] = state;
  const answer = await client.send('PUT', path(name), { body: JSON.stringify(body), contentType: 'application/json' });
  if (f.json === true) return printJsonText(ctx.io.stdout, answer.text);
  ctx.io.stdout.write(`${state === 'enabled' ? 'resumed' : 'paused'} schedule ${name}\n`);
}

/** `switchyard schedules list|get|put|delete|pause|resume`. */
export const schedulesCommand: ClientCommand = {
  name: 'schedules',
  register(program, ctx) {
    const c = program.command('schedules').description('scheduled events: cron, rate or at expressions that put an event on a bus');
    withClientOptions(c.command('list')).description('list schedules with their next fire')
      .action(async (f: ClientFlags) => {
        const { text } = await clientFor(f, ctx.env).send('GET', '/v1/schedules');
        if (f.json === true) return printJsonText(ctx.io.stdout, text);
        print(ctx, (JSON.parse(text) as { items: ScheduleView[] }).items);
      });
    withClientOptions(c.command('get')).description('show a schedule, its next 5 fire times and its status').argument('<name>', 'schedule name')
      .action(async (name: string, f: ClientFlags) => {
        const { text } = await clientFor(f, ctx.env).send('GET', path(name));
        printJsonText(ctx.io.stdout, text);
      });
    withClientOptions(c.command('put')).description('create or replace a schedule from a JSON or YAML file (or stdin with -), or from flags')
      .argument('<name>', 'schedule name')
      .argument('[file]', 'schedule file; - reads stdin')
      .option('-f, --file <path>', 'schedule file (same as the argument)')
      .option('--bus <bus>', 'the bus fires put their event on')
      .option('--expression <expr>', 'cron (5 or 6 fields), rate(n unit) or at(RFC 3339)')
      .option('--timezone <zone>', 'IANA time zone of a cron expression (default UTC)')
      .option('--type <type>', 'the event type')
      .option('--source <source>', 'the event source')
      .option('--subject <subject>', 'the event subject')
      .option('--data <json>', 'the event data (JSON or YAML)')
      .option('--catch-up <policy>', 'none, latest or all: fires missed while no scheduler ran')
      .option('--max-catch-up <n>', 'most missed fires put at once with --catch-up all')
      .option('--flexible-window-ms <ms>', 'put each fire at a moment within this window after its time')
      .option('--start <time>', 'RFC 3339: no fire before')
      .option('--end <time>', 'RFC 3339: no fire at or after')
      .option('--disabled', 'create it paused')
      .action((name: string, file: string | undefined, f: PutFlags) => put(name, file, f, ctx));
    withClientOptions(c.command('pause')).description('disable a schedule (fires while paused are never put)').argument('<name>', 'schedule name')
      .action((name: string, f: ClientFlags) => setState(name, 'disabled', f, ctx));
    withClientOptions(c.command('resume')).description('enable a schedule again (from now on)').argument('<name>', 'schedule name')
      .action((name: string, f: ClientFlags) => setState(name, 'enabled', f, ctx));
    withClientOptions(c.command('delete')).description('delete a schedule').argument('<name>', 'schedule name')
      .action(async (name: string, f: ClientFlags) => {
        await clientFor(f, ctx.env).send('DELETE', path(name));
        if (f.json === true) return printJson(ctx.io.stdout, { deleted: name });
        ctx.io.stdout.write(`deleted schedule ${name}\n`);
      });
  },
};
