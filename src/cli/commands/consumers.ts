/**
 * `switchyard consumers create|list|get|delete|fetch|commit|reset`: durable consumers of a bus
 * with a committed offset (`/v1/buses/{bus}/consumers`, docs/consumers.md).
 */
import type { Command } from 'commander';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { parseDuration, parsePositiveInt } from '../duration.js';
import { UsageError } from '../errors.js';
import { eventPatternFlag } from '../input.js';
import { printJsonText, printTable } from '../output.js';

interface BusFlags extends ClientFlags { readonly bus?: string }
interface CreateFlags extends BusFlags { readonly pattern?: string; readonly start?: string }
interface FetchFlags extends BusFlags { readonly max?: string; readonly wait?: string; readonly commit?: boolean }
interface Consumer { name: string; offset: number; head: number; lag: number; pattern: unknown; updatedAt: string }
interface Fetched { events: { sequence: number; receivedAt: string; event: { id?: unknown; type?: unknown; source?: unknown } }[]; offset: number; head: number; lag: number }

const base = (f: BusFlags, name?: string): string => `/v1/buses/${encodeURIComponent(f.bus ?? 'default')}/consumers${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;

/** `earliest`, `latest`, a sequence number, or an RFC 3339 time. */
function position(flag: string, text: string): unknown {
  if (text === 'earliest' || text === 'latest') return text;
  if (/^\d+$/.test(text)) return { sequence: parsePositiveInt(flag, text) };
  if (Number.isFinite(Date.parse(text))) return { time: new Date(Date.parse(text)).toISOString() };
  throw new UsageError(`${flag} "${text}" must be earliest, latest, a sequence number or an RFC 3339 time`);
}

function show(c: Consumer, ctx: CommandContext): void {
  printTable(ctx.io.stdout, ['consumer', 'offset', 'head', 'lag', 'pattern', 'updated'], [[c.name, c.offset, c.head, c.lag, c.pattern === null ? '' : JSON.stringify(c.pattern), c.updatedAt]]);
}

async function one(method: string, path: string, body: unknown, f: BusFlags, ctx: CommandContext): Promise<void> {
  const { text } = await clientFor(f, ctx.env).send(method, path, body === undefined ? {} : { body: JSON.stringify(body), contentType: 'application/json' });
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  show(JSON.parse(text) as Consumer, ctx);
}

async function list(f: BusFlags, ctx: CommandContext): Promise<void> {
  const { text } = await clientFor(f, ctx.env).send('GET', base(f));
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  const page = JSON.parse(text) as { items: Consumer[] };
  printTable(ctx.io.stdout, ['consumer', 'offset', 'head', 'lag', 'pattern'], page.items.map((c) => [c.name, c.offset, c.head, c.lag, c.pattern === null ? '' : JSON.stringify(c.pattern)]));
}

async function fetchEvents(name: string, f: FetchFlags, ctx: CommandContext): Promise<void> {
  const wait = f.wait === undefined ? undefined : parseDuration('--wait', f.wait);
  const body = { max: f.max === undefined ? 10 : parsePositiveInt('--max', f.max), ...(wait === undefined || wait === null ? {} : { waitMs: wait }) };
  const client = clientFor(f, ctx.env);
  const { text } = await client.send('POST', `${base(f, name)}/fetch`, { body: JSON.stringify(body), contentType: 'application/json' });
  const r = JSON.parse(text) as Fetched;
  if (f.commit === true) await client.send('POST', `${base(f, name)}/commit`, { body: JSON.stringify({ offset: r.offset }), contentType: 'application/json' });
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  printTable(ctx.io.stdout, ['sequence', 'received', 'event', 'type', 'source'], r.events.map((e) => [e.sequence, e.receivedAt, String(e.event.id), String(e.event.type), String(e.event.source)]));
  ctx.io.stdout.write(`offset to commit: ${r.offset}${f.commit === true ? ' (committed)' : ''}; head ${r.head}; lag ${r.lag}\n`);
}

const withBus = (cmd: Command): Command => withClientOptions(cmd).option('--bus <bus>', 'the bus (default: default)');

/** `switchyard consumers …`. */
export const consumersCommand: ClientCommand = {
  name: 'consumers',
  register(program, ctx) {
    const c = program.command('consumers').description('durable consumers: read a bus from a committed offset');
    withBus(c.command('create')).description('create a consumer').argument('<name>', 'consumer name')
      .option('--pattern <json>', 'an event pattern (JSON) the consumer reads through')
      .option('--start <position>', 'earliest, latest (default), a sequence number or an RFC 3339 time')
      .action((name: string, f: CreateFlags) => one('POST', base(f), {
        name, ...(f.pattern === undefined ? {} : { pattern: eventPatternFlag('--pattern', f.pattern) }), ...(f.start === undefined ? {} : { start: position('--start', f.start) }),
      }, f, ctx));
    withBus(c.command('list')).description('the consumers of a bus with their lag').action((f: BusFlags) => list(f, ctx));
    withBus(c.command('get')).description('one consumer: offset, head, lag').argument('<name>', 'consumer name')
      .action((name: string, f: BusFlags) => one('GET', base(f, name), undefined, f, ctx));
    withBus(c.command('delete')).description('delete a consumer').argument('<name>', 'consumer name')
      .action(async (name: string, f: BusFlags) => {
        await clientFor(f, ctx.env).send('DELETE', base(f, name));
        ctx.io.stdout.write(`deleted consumer ${name}\n`);
      });
    withBus(c.command('fetch')).description('fetch events after the committed offset').argument('<name>', 'consumer name')
      .option('--max <n>', 'most events (default 10, at most 1000)')
      .option('--wait <duration>', 'wait up to this long for the first event (e.g. 20s; at most 60s)')
      .option('--commit', 'commit the answer\'s offset afterwards')
      .action((name: string, f: FetchFlags) => fetchEvents(name, f, ctx));
    withBus(c.command('commit')).description('commit an offset (moves forward only)').argument('<name>', 'consumer name').argument('<offset>', 'the sequence of the last event done with')
      .action((name: string, offset: string, f: BusFlags) => {
        if (!/^\d+$/.test(offset)) throw new UsageError(`offset "${offset}" must be a sequence number`);
        return one('POST', `${base(f, name)}/commit`, { offset: Number(offset) }, f, ctx);
      });
    withBus(c.command('reset')).description('move the offset to earliest, latest, a sequence or a time').argument('<name>', 'consumer name').argument('<position>', 'earliest, latest, a sequence number or an RFC 3339 time')
      .action((name: string, to: string, f: BusFlags) => one('POST', `${base(f, name)}/reset`, { to: position('<position>', to) }, f, ctx));
  },
};
