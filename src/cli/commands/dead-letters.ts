/**
 * `switchyard dead-letters list|get|redrive|purge`: deliveries that failed for good, kept with
 * their event, transformed payload and every attempt (`/v1/dead-letters`, docs/api.md).
 */
import type { Command } from 'commander';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { parsePositiveInt } from '../duration.js';
import { UsageError } from '../errors.js';
import { prettyJson } from '../json-text.js';
import { printJson, printJsonText, printTable } from '../output.js';

interface DeadLetterSummary {
  readonly id: string; readonly bus: string; readonly sequence: number; readonly eventId: string; readonly rule: string; readonly target: string;
  readonly group: string | null; readonly createdAt: string; readonly deadAt: string; readonly attempts: number; readonly lastError: string | null;
}

interface Attempt {
  readonly at: string; readonly durationMs: number; readonly ok: boolean; readonly status: number | null;
  readonly errorClass: string | null; readonly message: string | null; readonly response: string | null;
}

interface FilterFlags extends ClientFlags {
  readonly bus?: string;
  readonly rule?: string;
  readonly target?: string;
  readonly from?: string;
  readonly to?: string;
}

interface ListFlags extends FilterFlags {
  readonly limit?: string;
  readonly after?: string;
}

interface SelectFlags extends FilterFlags {
  readonly all?: boolean;
}

const short = (s: string | null, n = 60): string => (s === null ? '' : s.length > n ? `${s.slice(0, n - 1)}…` : s);

function filterOf(f: FilterFlags): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['bus', 'rule', 'target', 'from', 'to'] as const) if (f[k] !== undefined) out[k] = f[k];
  return out;
}

/** A dead letter's id: opaque text (letters, digits, `_`, `-`), as the API lists it. */
function idOf(text: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(text)) throw new UsageError(`dead letter id: "${text}" is not an id (letters, digits, _ and -, at most 64)`);
  return text;
}

async function list(f: ListFlags, ctx: CommandContext): Promise<void> {
  const query = { ...filterOf(f), limit: f.limit === undefined ? undefined : parsePositiveInt('--limit', f.limit), after: f.after };
  const { text } = await clientFor(f, ctx.env).send('GET', '/v1/dead-letters', { query });
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  const page = JSON.parse(text) as { items: DeadLetterSummary[]; next?: number };
  printTable(ctx.io.stdout, ['id', 'bus', 'rule', 'target', 'event', 'dead at', 'attempts', 'last error'], page.items.map((d) => [
    d.id, d.bus, d.rule, d.target, d.eventId, d.deadAt, d.attempts, short(d.lastError),
  ]));
  if (page.next !== undefined) ctx.io.stdout.write(`more: --after ${page.next}\n`);
}

async function get(id: string, f: ClientFlags, ctx: CommandContext): Promise<void> {
  const { text } = await clientFor(f, ctx.env).send('GET', `/v1/dead-letters/${idOf(id)}`);
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  const d = JSON.parse(text) as DeadLetterSummary & { event: unknown; payload: string | null; attemptLog: Attempt[] };
  const out = ctx.io.stdout;
  printTable(out, ['field', 'value'], [
    ['id', d.id], ['bus', d.bus], ['sequence', d.sequence], ['event', d.eventId], ['rule', d.rule], ['target', d.target],
    ['group', d.group], ['enqueued', d.createdAt], ['dead at', d.deadAt], ['last error', d.lastError],
  ]);
  out.write('attempts:\n');
  printTable(out, ['#', 'at', 'ms', 'ok', 'status', 'error', 'response'], d.attemptLog.map((a, i) => [
    i + 1, a.at, Math.round(a.durationMs), a.ok, a.status, a.errorClass === null ? '' : short(`${a.errorClass}: ${a.message ?? ''}`), short(a.response, 40),
  ]));
  out.write(`event:\n${d.event === null ? '(removed by retention)' : JSON.stringify(d.event, null, 2)}\n`);
  out.write(`payload:\n${d.payload === null ? '(none)' : prettyOrRaw(d.payload)}\n`);
}

function prettyOrRaw(text: string): string {
  try {
    JSON.parse(text);
  } catch {
    return text;
  }
  return prettyJson(text);
}

/** The body of a redrive or purge: ids, a filter, or all — exactly one. */
function selection(ids: readonly string[], f: SelectFlags): Record<string, unknown> {
  const filter = filterOf(f);
  const ways = [ids.length > 0, Object.keys(filter).length > 0, f.all === true].filter(Boolean).length;
  if (ways !== 1) throw new UsageError('name the dead letters: ids, or filter flags (--bus, --rule, --target, --from, --to), or --all — exactly one of them');
  if (ids.length > 0) return { ids: ids.map(idOf) };
  return f.all === true ? { all: true } : { filter };
}

async function act(what: 'redrive' | 'purge', ids: string[], f: SelectFlags, ctx: CommandContext): Promise<void> {
  const body = JSON.stringify(selection(ids, f));
  const answer = await clientFor(f, ctx.env).json<{ redriven?: number; purged?: number }>('POST', `/v1/dead-letters/${what}`, { body, contentType: 'application/json' });
  if (f.json === true) return printJson(ctx.io.stdout, answer);
  const n = what === 'redrive' ? answer.redriven : answer.purged;
  ctx.io.stdout.write(`${what === 'redrive' ? 'redriven' : 'purged'} ${n ?? 0} dead letter(s)\n`);
}

function withFilter(cmd: Command): Command {
  return cmd
    .option('--bus <bus>', 'only dead letters of this bus')
    .option('--rule <rule>', 'only dead letters of this rule')
    .option('--target <id>', 'only dead letters of this target (a dead-letter target\'s copies: <id>#dead-letter)')
    .option('--from <time>', 'dead-lettered at or after (RFC 3339 or epoch ms)')
    .option('--to <time>', 'dead-lettered before (RFC 3339 or epoch ms)');
}

/** `switchyard dead-letters list|get|redrive|purge`. */
export const deadLettersCommand: ClientCommand = {
  name: 'dead-letters',
  register(program, ctx) {
    const dl = program.command('dead-letters').description('inspect, redrive and purge deliveries that failed for good');
    withFilter(withClientOptions(dl.command('list')))
      .description('list dead letters, oldest first')
      .option('--limit <n>', 'most dead letters shown (default 100, at most 1000)')
      .option('--after <cursor>', 'the next page (the cursor printed after a full page)')
      .action((flags: ListFlags) => list(flags, ctx));
    withClientOptions(dl.command('get'))
      .description('show one dead letter: the event, the payload sent, every attempt')
      .argument('<id>', 'dead letter id')
      .action((id: string, flags: ClientFlags) => get(id, flags, ctx));
    withFilter(withClientOptions(dl.command('redrive')))
      .description('send dead letters again (due now, fresh retry budget): by ids, by filter, or --all')
      .argument('[ids...]', 'dead letter ids')
      .option('--all', 'every dead letter')
      .action((ids: string[], flags: SelectFlags) => act('redrive', ids, flags, ctx));
    withFilter(withClientOptions(dl.command('purge')))
      .description('delete dead letters for good: by ids, by filter, or --all')
      .argument('[ids...]', 'dead letter ids')
      .option('--all', 'every dead letter')
      .action((ids: string[], flags: SelectFlags) => act('purge', ids, flags, ctx));
  },
};
