import { request } from 'undici';
import { parseProblem, segment } from '../client.js';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { ApiError, ConnectionError, UsageError } from '../errors.js';
import { eventPatternFlag } from '../input.js';
import type { StoredEventView } from '../wire.js';

interface TailFlags extends ClientFlags {
  readonly bus: string;
  readonly pattern?: string;
  readonly after?: string;
  readonly fromStart?: boolean;
  readonly count?: string;
}

/** One Server-Sent Events message (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export interface SseMessage {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/**
 * Splits an SSE byte stream (already decoded to text, in any chunking) into messages. Comment
 * lines (`:`) are keep-alives and are skipped; a message is dispatched at its blank line. As in
 * the browser's EventSource, `lastEventId` follows every dispatched `id`, even of a message
 * without data (the server sends one to say where a connection starts).
 */
export class SseParser {
  #buf = '';
  #id: string | undefined;
  lastEventId: string | undefined;
  #event = '';
  #data: string[] = [];

  push(text: string): SseMessage[] {
    this.#buf += text;
    const out: SseMessage[] = [];
    for (;;) {
      const nl = this.#buf.search(/\r\n|\r|\n/);
      if (nl < 0) break;
      // A lone \r at the end of a chunk may be the first half of \r\n: wait for more.
      if (this.#buf[nl] === '\r' && nl === this.#buf.length - 1) break;
      const line = this.#buf.slice(0, nl);
      this.#buf = this.#buf.slice(nl + (this.#buf.startsWith('\r\n', nl) ? 2 : 1));
      if (line === '') {
        this.lastEventId = this.#id;
        if (this.#data.length > 0) out.push({ id: this.#id, event: this.#event === '' ? 'message' : this.#event, data: this.#data.join('\n') });
        this.#event = '';
        this.#data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
      if (field === 'data') this.#data.push(value);
      else if (field === 'event') this.#event = value;
      else if (field === 'id') this.#id = value;
    }
    return out;
  }
}

const RECONNECT_MAX_MS = 5000;

function attr(e: StoredEventView, name: string): string {
  const v = e.event[name];
  return v === undefined ? '-' : String(v);
}

/** One readable line per event: sequence, time, type, source, id, subject and matched rules. */
function line(e: StoredEventView): string {
  const subject = e.event['subject'] === undefined ? '' : `  subject=${attr(e, 'subject')}`;
  const rules = (e.matchedRules ?? []).length === 0 ? '  (no rule matched)' : `  → ${(e.matchedRules ?? []).join(', ')}`;
  return `#${e.sequence}  ${e.receivedAt}  ${attr(e, 'type')}  ${attr(e, 'source')}  ${attr(e, 'id')}${subject}${rules}`;
}


function nonNegativeInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,15}$/.test(v)) throw new UsageError(`${name} must be a non-negative integer, got "${v}"`);
  return Number(v);
}

/**
 * `switchyard tail`: follows a bus's live stream (SSE) and prints each event as it arrives.
 * When the connection drops it reconnects with Last-Event-ID, so no event is lost or repeated;
 * it stops after --count events, or on Ctrl-C.
 */
async function tail(f: TailFlags, ctx: CommandContext): Promise<void> {
  const client = clientFor(f, ctx.env);
  const count = nonNegativeInt('--count', f.count);
  let lastId = nonNegativeInt('--after', f.after) ?? (f.fromStart === true ? 0 : undefined);
  if (count === 0) return;
  if (f.pattern !== undefined) eventPatternFlag('--pattern', f.pattern);
  const key = client.apiKey;
  let printed = 0;
  let connectedOnce = false;
  let backoff = 100;
  for (;;) {
    const query = new URLSearchParams();
    if (f.pattern !== undefined) query.set('pattern', f.pattern);
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (key !== undefined) headers.authorization = `Bearer ${key}`;
    // The first connection starts at --after (or the head); a reconnect resumes after the last event seen.
    if (lastId !== undefined) {
      if (connectedOnce) headers['last-event-id'] = String(lastId);
      else query.set('after', String(lastId));
    }
    const qs = query.toString();
    const url = `${client.baseUrl}/v1/buses/${segment(f.bus)}/stream${qs === '' ? '' : `?${qs}`}`;
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(url, { method: 'GET', headers, headersTimeout: 0, bodyTimeout: 0 });
    } catch (e) {
      if (!connectedOnce) throw new ConnectionError(client.baseUrl, (e as { code?: string }).code ?? (e as Error).message);
      ctx.io.stderr.write(`connection lost; reconnecting in ${backoff} ms\n`);
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, RECONNECT_MAX_MS);
      continue;
    }
    if (res.statusCode !== 200) {
      const text = await res.body.text();
      throw new ApiError(res.statusCode, parseProblem(text), text);
    }
    connectedOnce = true;
    backoff = 100;
    const parser = new SseParser();
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) {
        for (const m of parser.push(decoder.decode(chunk as Buffer, { stream: true }))) {
          if (m.event !== 'event') continue;
          ctx.io.stdout.write(f.json === true ? `${m.data}\n` : `${line(JSON.parse(m.data) as StoredEventView)}\n`);
          if (count !== undefined && ++printed >= count) {
            res.body.destroy();
            return;
          }
        }
        if (parser.lastEventId !== undefined && /^\d+$/.test(parser.lastEventId)) lastId = Number(parser.lastEventId);
      }
    } catch {
      // The stream broke (server restart, network): reconnect below.
    }
    ctx.io.stderr.write(`stream ended; reconnecting${lastId === undefined ? '' : ` after #${lastId}`}\n`);
    await new Promise((r) => setTimeout(r, backoff));
    backoff = Math.min(backoff * 2, RECONNECT_MAX_MS);
  }
}

/** `switchyard tail`: the live tail of a bus. */
export const tailCommand: ClientCommand = {
  name: 'tail',
  register(program, ctx) {
    withClientOptions(program.command('tail'))
      .description('follow a bus live and print each event as it arrives (reconnects without losing events)')
      .option('-b, --bus <bus>', 'bus to follow', 'default')
      .option('-p, --pattern <json>', 'only events matching this event pattern (docs/patterns.md)')
      .option('--after <sequence>', 'start after this sequence instead of at the head')
      .option('--from-start', 'start at the oldest retained event (same as --after 0)')
      .option('-n, --count <n>', 'stop after this many events')
      .addHelpText('after', '\nWith --json, each event is printed as one line of JSON (JSON Lines), ready for jq.')
      .action((flags: TailFlags) => tail(flags, ctx));
  },
};
