/**
 * `switchyard queues list|get|receive|ack|release|reject|renew`: a quick look at pull queues
 * (`/v1/buses/{bus}/queues`, docs/queues.md) — receive prints each event's lock token, which
 * the settling commands take.
 */
import type { Command } from 'commander';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { parseDuration, parsePositiveInt } from '../duration.js';
import { UsageError } from '../errors.js';
import { printJson, printJsonText, printTable } from '../output.js';

interface BusFlags extends ClientFlags { readonly bus?: string }
interface ReceiveFlags extends BusFlags { readonly max?: string; readonly wait?: string; readonly lock?: string }
interface SettleFlags extends BusFlags { readonly delay?: string; readonly reason?: string; readonly lock?: string }
interface Summary { name: string; counts: { ready: number; locked: number; dead: number }; feeds: { rule: string; target: string; lockMs: number; maxReceives: number; ordered: boolean }[] }
interface Received { brokerProperties: { lockToken: string; deliveryCount: number; lockedUntil: string; sequence: number; group: string | null }; event: { id?: unknown; type?: unknown } }
interface Settled { succeededLockTokens: string[]; failedLockTokens: { lockToken: string; error: { code: string; message: string } }[] }

const base = (f: BusFlags, queue?: string): string => `/v1/buses/${encodeURIComponent(f.bus ?? 'default')}/queues${queue === undefined ? '' : `/${encodeURIComponent(queue)}`}`;
const ms = (flag: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const v = parseDuration(flag, text);
  if (v === null) throw new UsageError(`${flag} needs a duration, not "none"`);
  return v;
};

async function list(f: BusFlags, ctx: CommandContext): Promise<void> {
  const { text } = await clientFor(f, ctx.env).send('GET', base(f));
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  const page = JSON.parse(text) as { items: Summary[] };
  printTable(ctx.io.stdout, ['queue', 'ready', 'locked', 'dead', 'fed by'], page.items.map((q) => [
    q.name, q.counts.ready, q.counts.locked, q.counts.dead, q.feeds.map((x) => `${x.rule}/${x.target}`).join(', '),
  ]));
}

async function get(queue: string, f: BusFlags, ctx: CommandContext): Promise<void> {
  const { text } = await clientFor(f, ctx.env).send('GET', base(f, queue));
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  const q = JSON.parse(text) as Summary;
  printTable(ctx.io.stdout, ['field', 'value'], [['queue', q.name], ['ready', q.counts.ready], ['locked', q.counts.locked], ['dead', q.counts.dead]]);
  printTable(ctx.io.stdout, ['rule', 'target', 'lock ms', 'max receives', 'ordered'], q.feeds.map((x) => [x.rule, x.target, x.lockMs, x.maxReceives, x.ordered]));
}

async function receive(queue: string, f: ReceiveFlags, ctx: CommandContext): Promise<void> {
  const body = {
    max: f.max === undefined ? 10 : parsePositiveInt('--max', f.max),
    ...(f.wait === undefined ? {} : { waitMs: ms('--wait', f.wait) }),
    ...(f.lock === undefined ? {} : { visibilityMs: ms('--lock', f.lock) }),
  };
  const { text } = await clientFor(f, ctx.env).send('POST', `${base(f, queue)}/receive`, { body: JSON.stringify(body), contentType: 'application/json' });
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  const r = JSON.parse(text) as { value: Received[] };
  printTable(ctx.io.stdout, ['lock token', 'receives', 'locked until', 'sequence', 'group', 'event', 'type'], r.value.map((x) => [
    x.brokerProperties.lockToken, x.brokerProperties.deliveryCount, x.brokerProperties.lockedUntil, x.brokerProperties.sequence,
    x.brokerProperties.group, String(x.event.id), String(x.event.type),
  ]));
}

async function settle(op: 'acknowledge' | 'release' | 'reject' | 'renew', queue: string, tokens: string[], f: SettleFlags, ctx: CommandContext): Promise<void> {
  if (tokens.length === 0) throw new UsageError('name at least one lock token (printed by `switchyard queues receive`)');
  const body: Record<string, unknown> = { lockTokens: tokens };
  if (op === 'release' && f.delay !== undefined) body.delayMs = ms('--delay', f.delay);
  if (op === 'reject' && f.reason !== undefined) body.reason = f.reason;
  if (op === 'renew' && f.lock !== undefined) body.visibilityMs = ms('--lock', f.lock);
  const r = await clientFor(f, ctx.env).json<Settled>('POST', `${base(f, queue)}/${op}`, { body: JSON.stringify(body), contentType: 'application/json' });
  if (f.json === true) return printJson(ctx.io.stdout, r);
  ctx.io.stdout.write(`${op}: ${r.succeededLockTokens.length} succeeded, ${r.failedLockTokens.length} failed\n`);
  for (const x of r.failedLockTokens) ctx.io.stdout.write(`  ${x.lockToken}: ${x.error.code} ${x.error.message}\n`);
}

const withBus = (cmd: Command): Command => withClientOptions(cmd).option('--bus <bus>', 'the bus (default: default)');

/** `switchyard queues …`. */
export const queuesCommand: ClientCommand = {
  name: 'queues',
  register(program, ctx) {
    const q = program.command('queues').description('pull queues: list, receive under a lock, acknowledge, release, reject, renew');
    withBus(q.command('list')).description('the pull queues of a bus with their counts').action((f: BusFlags) => list(f, ctx));
    withBus(q.command('get')).description('one queue: counts and the rule targets feeding it').argument('<queue>', 'queue name')
      .action((queue: string, f: BusFlags) => get(queue, f, ctx));
    withBus(q.command('receive')).description('receive events under a lock; prints their lock tokens').argument('<queue>', 'queue name')
      .option('--max <n>', 'most events (default 10, at most 1000)')
      .option('--wait <duration>', 'wait up to this long for the first event (e.g. 20s; at most 60s)')
      .option('--lock <duration>', 'lock length (default: the queue target\'s lockMs)')
      .action((queue: string, f: ReceiveFlags) => receive(queue, f, ctx));
    withBus(q.command('ack')).description('acknowledge received events: done, never handed out again').argument('<queue>', 'queue name').argument('<tokens...>', 'lock tokens')
      .action((queue: string, tokens: string[], f: SettleFlags) => settle('acknowledge', queue, tokens, f, ctx));
    withBus(q.command('release')).description('give received events back, ready again (after --delay)').argument('<queue>', 'queue name').argument('<tokens...>', 'lock tokens')
      .option('--delay <duration>', 'ready again after this long (e.g. 30s)')
      .action((queue: string, tokens: string[], f: SettleFlags) => settle('release', queue, tokens, f, ctx));
    withBus(q.command('reject')).description('dead-letter received events with a reason').argument('<queue>', 'queue name').argument('<tokens...>', 'lock tokens')
      .option('--reason <text>', 'kept as the dead letter\'s last error')
      .action((queue: string, tokens: string[], f: SettleFlags) => settle('reject', queue, tokens, f, ctx));
    withBus(q.command('renew')).description('extend the locks of received events').argument('<queue>', 'queue name').argument('<tokens...>', 'lock tokens')
      .option('--lock <duration>', 'new lock length from now (default: the queue target\'s lockMs)')
      .action((queue: string, tokens: string[], f: SettleFlags) => settle('renew', queue, tokens, f, ctx));
  },
};
