/**
 * `switchyard replays start|list|get|pause|resume|cancel|resend` and `switchyard archives
 * put|list|get|delete`: replay a bus window through its rules again, resend one event, keep
 * archives for replay (`/v1/.../replays`, `/v1/buses/{bus}/archives`, docs/replay.md).
 */
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { parsePositiveInt } from '../duration.js';
import { UsageError } from '../errors.js';
import { eventPatternFlag } from '../input.js';
import { printJson, printJsonText, printTable } from '../output.js';

interface ReplayView {
  readonly id: string; readonly bus: string; readonly kind: string; readonly state: string; readonly fromSequence: number; readonly toSequence: number;
  readonly destination: { bus?: string; rule?: string; target?: string }; readonly ratePerSecond?: number;
  readonly progress: { processed: number; total: number; matched: number; enqueued: number; rate: number; etaSeconds: number | null };
  readonly createdAt: string; readonly finishedAt?: string; readonly error?: string;
}

interface StartFlags extends ClientFlags {
  readonly bus?: string;
  readonly from?: string;
  readonly to?: string;
  readonly rule?: string;
  readonly target?: string;
  readonly toBus?: string;
  readonly pattern?: string;
  readonly rate?: string;
}

interface ListFlags extends ClientFlags {
  readonly bus?: string;
  readonly state?: string;
  readonly limit?: string;
}

const enc = encodeURIComponent;
const REPLAY_ID = /^[A-Za-z0-9-]{1,64}$/;

function idOf(text: string): string {
  if (!REPLAY_ID.test(text)) throw new UsageError(`replay id: "${text}" is not an id (letters, digits and -, at most 64)`);
  return text;
}

/** A window bound: digits are a sequence, anything else is sent as a time (RFC 3339). */
const boundOf = (text: string): number | string => (/^\d+$/.test(text) ? Number(text) : text);

function destinationOf(f: StartFlags): Record<string, string> {
  if (f.toBus !== undefined) {
    if (f.rule !== undefined || f.target !== undefined) throw new UsageError('give --to-bus, or --rule (with --target), not both');
    return { bus: f.toBus };
  }
  if (f.rule === undefined) throw new UsageError('name the destination: --rule <rule> [--target <id>], or --to-bus <bus> (every rule of the bus)');
  return f.target === undefined ? { rule: f.rule } : { rule: f.rule, target: f.target };
}

const destinationText = (d: ReplayView['destination']): string => (d.bus !== undefined ? `bus ${d.bus}` : `rule ${d.rule ?? ''}${d.target === undefined ? '' : `/${d.target}`}`);
const progressText = (r: ReplayView): string => `${r.progress.processed}/${r.progress.total}`;

function printReplay(r: ReplayView, ctx: CommandContext): void {
  printTable(ctx.io.stdout, ['field', 'value'], [
    ['id', r.id], ['bus', r.bus], ['kind', r.kind], ['state', r.state], ['window', `${r.fromSequence}..${r.toSequence}`],
    ['destination', destinationText(r.destination)], ['rate limit', r.ratePerSecond ?? ''], ['progress', progressText(r)],
    ['matched', r.progress.matched], ['enqueued', r.progress.enqueued], ['rate', `${r.progress.rate}/s`],
    ['eta', r.progress.etaSeconds === null ? '' : `${r.progress.etaSeconds}s`], ['created', r.createdAt], ['finished', r.finishedAt ?? ''], ['error', r.error ?? ''],
  ]);
}

async function start(f: StartFlags, ctx: CommandContext): Promise<void> {
  if (f.bus === undefined || f.from === undefined) throw new UsageError('--bus and --from are required');
  const pattern = f.pattern === undefined ? undefined : eventPatternFlag('--pattern', f.pattern);
  const body = {
    from: boundOf(f.from), ...(f.to === undefined ? {} : { to: boundOf(f.to) }), destination: destinationOf(f),
    ...(pattern === undefined ? {} : { pattern }), ...(f.rate === undefined ? {} : { ratePerSecond: Number(f.rate) }),
  };
  const { text } = await clientFor(f, ctx.env).send('POST', `/v1/buses/${enc(f.bus)}/replays`, { body: JSON.stringify(body), contentType: 'application/json' });
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  printReplay(JSON.parse(text) as ReplayView, ctx);
}

async function list(f: ListFlags, ctx: CommandContext): Promise<void> {
  const query = { bus: f.bus, state: f.state, limit: f.limit === undefined ? undefined : parsePositiveInt('--limit', f.limit) };
  const { text } = await clientFor(f, ctx.env).send('GET', '/v1/replays', { query });
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  const page = JSON.parse(text) as { items: ReplayView[] };
  printTable(ctx.io.stdout, ['id', 'bus', 'kind', 'state', 'progress', 'destination', 'created'], page.items.map((r) => [
    r.id, r.bus, r.kind, r.state, progressText(r), destinationText(r.destination), r.createdAt,
  ]));
}

async function one(method: 'GET' | 'POST', id: string, action: string | undefined, f: ClientFlags, ctx: CommandContext): Promise<void> {
  const { text } = await clientFor(f, ctx.env).send(method, `/v1/replays/${idOf(id)}${action === undefined ? '' : `/${action}`}`);
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  printReplay(JSON.parse(text) as ReplayView, ctx);
}

async function resend(bus: string, eventId: string, f: ClientFlags & { rule?: string; target?: string; source?: string }, ctx: CommandContext): Promise<void> {
  if (f.rule === undefined) throw new UsageError('--rule is required');
  const body = { rule: f.rule, ...(f.target === undefined ? {} : { target: f.target }), ...(f.source === undefined ? {} : { source: f.source }) };
  const { text } = await clientFor(f, ctx.env).send('POST', `/v1/buses/${enc(bus)}/events/${enc(eventId)}/resend`, { body: JSON.stringify(body), contentType: 'application/json' });
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  printReplay(JSON.parse(text) as ReplayView, ctx);
}

/** `switchyard replays …`. */
export const replaysCommand: ClientCommand = {
  name: 'replays',
  register(program, ctx) {
    const r = program.command('replays').description('replay a bus window through its rules again (marked swyreplay), or resend one event');
    withClientOptions(r.command('start'))
      .description('start a replay of a bus window (the bus and its archives)')
      .option('--bus <bus>', 'the bus to replay')
      .option('--from <seq|time>', 'first sequence (digits) or RFC 3339 receive time')
      .option('--to <seq|time>', 'last sequence (inclusive) or receive time (exclusive); default: the last event now')
      .option('--rule <rule>', 'deliver to this rule\'s targets (the rule as it is now)')
      .option('--target <id>', 'only this target of the rule')
      .option('--to-bus <bus>', 'deliver to every enabled rule of the bus (must be the replayed bus)')
      .option('--pattern <json>', 'only events matching this event pattern too')
      .option('--rate <n>', 'at most n events per second')
      .action((f: StartFlags) => start(f, ctx));
    withClientOptions(r.command('list'))
      .description('list replays, newest first')
      .option('--bus <bus>', 'only replays of this bus')
      .option('--state <state>', 'running, paused, completed, cancelled or failed')
      .option('--limit <n>', 'most replays shown (default 100)')
      .action((f: ListFlags) => list(f, ctx));
    withClientOptions(r.command('get')).description('show a replay and its progress').argument('<id>', 'replay id')
      .action((id: string, f: ClientFlags) => one('GET', id, undefined, f, ctx));
    for (const action of ['pause', 'resume', 'cancel'] as const) {
      withClientOptions(r.command(action)).description(`${action} a replay`).argument('<id>', 'replay id')
        .action((id: string, f: ClientFlags) => one('POST', id, action, f, ctx));
    }
    withClientOptions(r.command('resend'))
      .description('resend one stored event to a rule\'s targets (or one target)')
      .argument('<bus>', 'bus').argument('<event-id>', 'event id')
      .option('--rule <rule>', 'the rule whose targets get it')
      .option('--target <id>', 'only this target')
      .option('--source <source>', 'the event\'s source, when ids repeat across sources')
      .action((bus: string, eventId: string, f: ClientFlags & { rule?: string; target?: string; source?: string }) => resend(bus, eventId, f, ctx));
  },
};

interface ArchiveView {
  readonly bus: string; readonly name: string; readonly description: string | null; readonly pattern: unknown; readonly retentionMs: number | null;
  readonly createdAt: string; readonly events?: number; readonly bytes?: number;
}

/** `switchyard archives …`. */
export const archivesCommand: ClientCommand = {
  name: 'archives',
  register(program, ctx) {
    const a = program.command('archives').description('archives: filtered copies of a bus kept for replay, with their own retention');
    withClientOptions(a.command('put'))
      .description('create or replace an archive')
      .argument('<bus>', 'bus').argument('<name>', 'archive name')
      .option('--pattern <json>', 'archive only events matching this event pattern')
      .option('--retention-ms <ms>', 'keep archived events this long (default: forever)')
      .option('--description <text>', 'a description')
      .action(async (bus: string, name: string, f: ClientFlags & { pattern?: string; retentionMs?: string; description?: string }) => {
        const pattern = f.pattern === undefined ? undefined : eventPatternFlag('--pattern', f.pattern);
        const body = { ...(pattern === undefined ? {} : { pattern }), ...(f.retentionMs === undefined ? {} : { retentionMs: parsePositiveInt('--retention-ms', f.retentionMs) }), ...(f.description === undefined ? {} : { description: f.description }) };
        const answer = await clientFor(f, ctx.env).json<ArchiveView>('PUT', `/v1/buses/${enc(bus)}/archives/${enc(name)}`, { body: JSON.stringify(body), contentType: 'application/json' });
        if (f.json === true) return printJson(ctx.io.stdout, answer);
        ctx.io.stdout.write(`archive ${answer.bus}/${answer.name} saved (retention ${answer.retentionMs === null ? 'forever' : `${answer.retentionMs} ms`})\n`);
      });
    withClientOptions(a.command('list')).description('list the archives of a bus').argument('<bus>', 'bus')
      .action(async (bus: string, f: ClientFlags) => {
        const { text } = await clientFor(f, ctx.env).send('GET', `/v1/buses/${enc(bus)}/archives`);
        if (f.json === true) return printJsonText(ctx.io.stdout, text);
        const page = JSON.parse(text) as { items: ArchiveView[] };
        printTable(ctx.io.stdout, ['name', 'pattern', 'retention', 'created'], page.items.map((x) => [
          x.name, x.pattern === null ? '(every event)' : JSON.stringify(x.pattern), x.retentionMs === null ? 'forever' : `${x.retentionMs} ms`, x.createdAt,
        ]));
      });
    withClientOptions(a.command('get')).description('show an archive with its event count').argument('<bus>', 'bus').argument('<name>', 'archive name')
      .action(async (bus: string, name: string, f: ClientFlags) => {
        const { text } = await clientFor(f, ctx.env).send('GET', `/v1/buses/${enc(bus)}/archives/${enc(name)}`);
        if (f.json === true) return printJsonText(ctx.io.stdout, text);
        const x = JSON.parse(text) as ArchiveView;
        printTable(ctx.io.stdout, ['field', 'value'], [
          ['bus', x.bus], ['name', x.name], ['description', x.description], ['pattern', x.pattern === null ? '(every event)' : JSON.stringify(x.pattern)],
          ['retention', x.retentionMs === null ? 'forever' : `${x.retentionMs} ms`], ['events', x.events ?? ''], ['bytes', x.bytes ?? ''], ['created', x.createdAt],
        ]);
      });
    withClientOptions(a.command('delete')).description('delete an archive and its events').argument('<bus>', 'bus').argument('<name>', 'archive name')
      .action(async (bus: string, name: string, f: ClientFlags) => {
        await clientFor(f, ctx.env).send('DELETE', `/v1/buses/${enc(bus)}/archives/${enc(name)}`);
        ctx.io.stdout.write(`archive ${bus}/${name} deleted\n`);
      });
  },
};
