/**
 * `switchyard tx begin|list|get|commit|rollback`: transactional ("half") messages
 * (`/v1/buses/{bus}/transactions`, docs/delay-and-transactions.md). Events go into a transaction
 * with `switchyard put --transaction <id>`.
 */
import { segment } from '../client.js';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { parsePositiveInt } from '../duration.js';
import { UsageError } from '../errors.js';
import { printJsonText, printTable } from '../output.js';

interface TxView {
  readonly id: string; readonly bus: string; readonly state: string; readonly checkUrl: string | null; readonly checkAfterMs: number;
  readonly createdAt: string; readonly nextCheckAt: string | null; readonly checks: number; readonly events: number; readonly endedAt: string | null;
  readonly sequences: { readonly first: number; readonly last: number } | null; readonly signingSecret?: string;
  readonly history: readonly { readonly type: string; readonly at: string; readonly n?: number; readonly answer?: string; readonly by?: string; readonly detail?: string }[];
}

interface BusFlags extends ClientFlags {
  readonly bus: string;
}

interface BeginFlags extends BusFlags {
  readonly checkUrl?: string;
  readonly checkAfter?: string;
}

interface ListFlags extends BusFlags {
  readonly state?: string;
  readonly limit?: string;
}

function idOf(text: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(text)) throw new UsageError(`transaction id: "${text}" is not an id (letters, digits, _ and -)`);
  return text;
}

function printTx(ctx: CommandContext, t: TxView): void {
  const out = ctx.io.stdout;
  printTable(out, ['field', 'value'], [
    ['id', t.id], ['bus', t.bus], ['state', t.state], ['events', t.events], ['check url', t.checkUrl ?? ''], ['check after ms', t.checkAfterMs],
    ['created', t.createdAt], ['next check', t.nextCheckAt ?? ''], ['checks', t.checks], ['ended', t.endedAt ?? ''],
    ['sequences', t.sequences === null ? '' : `${t.sequences.first}–${t.sequences.last}`],
    ...(t.signingSecret === undefined ? [] : [['signing secret', t.signingSecret] as [string, string]]),
  ]);
  out.write('history:\n');
  printTable(out, ['at', 'step', 'answer / by', 'detail'], t.history.map((s) => [s.at, s.type === 'check' ? `check ${s.n ?? ''}` : s.type, s.answer ?? s.by ?? '', s.detail ?? '']));
}

async function begin(f: BeginFlags, ctx: CommandContext): Promise<void> {
  const body: Record<string, unknown> = {};
  if (f.checkUrl !== undefined) body.checkUrl = f.checkUrl;
  if (f.checkAfter !== undefined) body.checkAfterMs = parsePositiveInt('--check-after', f.checkAfter);
  const { text } = await clientFor(f, ctx.env).send('POST', `/v1/buses/${segment(f.bus)}/transactions`, { body: JSON.stringify(body), contentType: 'application/json' });
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  printTx(ctx, JSON.parse(text) as TxView);
}

async function list(f: ListFlags, ctx: CommandContext): Promise<void> {
  const query = { state: f.state, limit: f.limit === undefined ? undefined : parsePositiveInt('--limit', f.limit) };
  const { text } = await clientFor(f, ctx.env).send('GET', `/v1/buses/${segment(f.bus)}/transactions`, { query });
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  const { items } = JSON.parse(text) as { items: TxView[] };
  printTable(ctx.io.stdout, ['id', 'state', 'events', 'created', 'checks', 'next check', 'ended'], items.map((t) => [
    t.id, t.state, t.events, t.createdAt, t.checks, t.nextCheckAt ?? '', t.endedAt ?? '',
  ]));
}

async function get(id: string, f: BusFlags, ctx: CommandContext): Promise<void> {
  const { text } = await clientFor(f, ctx.env).send('GET', `/v1/buses/${segment(f.bus)}/transactions/${idOf(id)}`);
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  printTx(ctx, JSON.parse(text) as TxView);
}

async function end(what: 'commit' | 'rollback', id: string, f: BusFlags, ctx: CommandContext): Promise<void> {
  const { text } = await clientFor(f, ctx.env).send('POST', `/v1/buses/${segment(f.bus)}/transactions/${idOf(id)}/${what}`);
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  const answer = JSON.parse(text) as { transaction: TxView; results?: { id: string; source: string; sequence: number; duplicate?: boolean }[] };
  ctx.io.stdout.write(`transaction ${answer.transaction.id} ${answer.transaction.state}\n`);
  if (answer.results !== undefined) {
    printTable(ctx.io.stdout, ['id', 'source', 'sequence', 'duplicate'], answer.results.map((r) => [r.id, r.source, r.sequence, r.duplicate === true ? 'yes' : '']));
  }
}

/** `switchyard tx begin|list|get|commit|rollback`. */
export const txCommand: ClientCommand = {
  name: 'tx',
  register(program, ctx) {
    const tx = program.command('tx').description('transactional messages: begin, put with `put --transaction`, commit or roll back');
    const withBus = (c: ReturnType<typeof withClientOptions>): ReturnType<typeof withClientOptions> => c.option('-b, --bus <bus>', 'the bus', 'default');
    withBus(withClientOptions(tx.command('begin')))
      .description('begin a transaction; prints its id (and, with --check-url, the secret check-backs are signed with)')
      .option('--check-url <url>', 'where Switchyard asks whether to commit or roll back once --check-after passed')
      .option('--check-after <ms>', 'milliseconds before the first check-back (default: transactions.checkAfterMs)')
      .action((flags: BeginFlags) => begin(flags, ctx));
    withBus(withClientOptions(tx.command('list')))
      .description('list the bus\'s transactions, newest first')
      .option('--state <state>', 'only open, committed or rolled-back ones')
      .option('--limit <n>', 'most shown (default 100, at most 1000)')
      .action((flags: ListFlags) => list(flags, ctx));
    withBus(withClientOptions(tx.command('get')))
      .description('one transaction: state, events held, check-backs and history')
      .argument('<id>', 'transaction id')
      .action((id: string, flags: BusFlags) => get(id, flags, ctx));
    withBus(withClientOptions(tx.command('commit')))
      .description('commit: every held event goes on the bus at once, in put order')
      .argument('<id>', 'transaction id')
      .action((id: string, flags: BusFlags) => end('commit', id, flags, ctx));
    withBus(withClientOptions(tx.command('rollback')))
      .description('roll back: the held events are discarded')
      .argument('<id>', 'transaction id')
      .action((id: string, flags: BusFlags) => end('rollback', id, flags, ctx));
  },
};
