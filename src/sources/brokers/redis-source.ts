import { createClient, ErrorReply, RESP_TYPES } from '@redis/client';
import type { Violation } from '../../core/index.js';
import type { ConfigCheck, SourceKind, SourceRun, SourceRunner } from '../types.js';
import { Backoff, sleep } from './backoff.js';
import { brokerCredentials, checkEndpoint, optionalInt, optionalText, requiredText, settingsObject, unknownKeys, type BrokerEndpoint } from './broker-config.js';
import { takeMessage, type BrokerLimits, type ReceivedMessage } from './broker-message.js';
import { ceHeader, sniffContentType } from './binding-text.js';
import { InFlight } from './in-flight.js';

export interface RedisStreamsConfig extends BrokerEndpoint {
  readonly stream: string;
  readonly group: string;
  /** The consumer name in the group; the same name after a restart takes back its pending entries. */
  readonly consumer: string;
  /** Where a group created here starts: `$` (new entries) or `0` (the whole stream). */
  readonly startId: '$' | '0';
  /** Entries read per XREADGROUP (and taken at once). */
  readonly count: number;
  /** Entries pending longer than this in another consumer (a dead one) are claimed (XAUTOCLAIM). */
  readonly claimIdleMs: number;
}

type Entry = [id: Buffer, fields: Buffer[]];

/** The entries of an XREADGROUP reply for one stream: an array of [key, entries] (RESP2), a map or an object keyed by stream (RESP3). */
function streamEntries(reply: unknown): Entry[] {
  if (reply === null || reply === undefined) return [];
  if (Array.isArray(reply)) return ((reply[0] as [unknown, Entry[]] | undefined)?.[1]) ?? [];
  if (reply instanceof Map) return ([...(reply as Map<unknown, Entry[]>).values()][0]) ?? [];
  return (Object.values(reply as Record<string, Entry[]>)[0]) ?? [];
}
const BLOCK_MS = 2000;

/**
 * An entry as a message, mirroring the redis target's layout (there is no CloudEvents Redis
 * binding): `ce-<name>` fields are binary-mode attributes, `content-type` the data's type, `data`
 * the body. An entry without `data` is mapped from its fields as a JSON object.
 */
function received(stream: string, [idBuf, flat]: Entry): ReceivedMessage {
  const id = idBuf.toString();
  const fields: Record<string, Buffer> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!.toString()] = flat[i + 1]!;
  const ceHeaders: Record<string, string> = {};
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (k === 'data') continue;
    headers[k] = v.toString('utf8');
    if (k.startsWith('ce-')) {
      const [name, value] = ceHeader(k.slice(3), v);
      ceHeaders[name] = value;
    }
  }
  let body: Buffer;
  let contentType: string | undefined;
  if (fields.data !== undefined) {
    body = fields.data;
    contentType = fields['content-type']?.toString() ?? (Object.keys(ceHeaders).length === 0 ? sniffContentType(body) : undefined);
  } else {
    body = Buffer.from(JSON.stringify(headers));
    contentType = 'application/json';
  }
  return { origin: stream, body, contentType, ceHeaders, headers, defaultId: `${stream}:${id}`, meta: { stream, entryId: id } };
}

/**
 * `redis-streams`: reads a stream in a consumer group (created when missing); each entry is
 * XACKed after its event is committed (or it is dead-lettered). After a restart the consumer
 * first takes back its own pending entries; entries left pending by another consumer for
 * `claimIdleMs` are claimed. A mapped event's default id is `<stream>:<entry id>`.
 */
export function redisStreamsKind(limits: BrokerLimits): SourceKind<RedisStreamsConfig> {
  return {
    name: 'redis-streams',
    description: 'a Redis stream read in a consumer group, XACK after the commit (at least once)',
    checkConfig(config: unknown, at: string): ConfigCheck<RedisStreamsConfig> {
      const out: Violation[] = [];
      const o = settingsObject(config);
      unknownKeys(o, ['url', 'connection', 'stream', 'group', 'consumer', 'startId', 'count', 'claimIdleMs'], at, 'redis-streams', out);
      const ep = checkEndpoint(o, at, ['redis', 'rediss'], out);
      const stream = requiredText(o, 'stream', at, 1024, out, 'the stream key');
      const group = requiredText(o, 'group', at, 255, out, 'the consumer group (created when missing)');
      const consumer = optionalText(o, 'consumer', at, 255, out) ?? 'switchyard';
      const startId = o.startId ?? '$';
      if (startId !== '$' && startId !== '0') out.push({ path: `${at}/startId`, reason: 'must be "$" (new entries) or "0" (the whole stream)' });
      const count = optionalInt(o, 'count', at, 1, 10_000, 100, out);
      const claimIdleMs = optionalInt(o, 'claimIdleMs', at, 1000, 86_400_000, 60_000, out);
      return out.length > 0 || ep === undefined ? { ok: false, violations: out } : { ok: true, config: { ...ep, stream, group, consumer, startId: startId as '$' | '0', count, claimIdleMs } };
    },
    connections: (c) => (c.connection === undefined ? [] : [c.connection]),
    start: (run) => startRedis(run, limits),
  };
}

function startRedis(run: SourceRun<RedisStreamsConfig>, limits: BrokerLimits): SourceRunner {
  const c = run.config;
  const backoff = new Backoff();
  const loop = (async () => {
    while (!run.signal.aborted) {
      const creds = await brokerCredentials(run.secrets, c.connection).catch((err: unknown) => err as Error);
      if (creds instanceof Error) {
        run.failing(creds);
        await sleep(backoff.next(), run.signal);
        continue;
      }
      const client = createClient({
        url: c.url, socket: { connectTimeout: 10_000, reconnectStrategy: false }, disableOfflineQueue: true,
        ...(creds === undefined ? {} : { username: creds.user, password: creds.pass }),
      }).withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
      client.on('error', () => undefined);
      try {
        await client.connect();
        try {
          await client.sendCommand(['XGROUP', 'CREATE', c.stream, c.group, c.startId, 'MKSTREAM']);
        } catch (err) {
          if (!(err instanceof ErrorReply) || !err.message.startsWith('BUSYGROUP')) throw err;
        }
        backoff.reset();
        run.healthy();
        const window = new InFlight(c.count);
        const ack = async (id: string): Promise<void> => {
          await client.sendCommand(['XACK', c.stream, c.group, id]);
        };
        let failed = false;
        const take = async (e: Entry): Promise<void> => {
          const s = await takeMessage(received(c.stream, e), run, 'redis-streams', limits);
          // Not acknowledged: the entry stays pending and is read again (from `0`) after a pause.
          if (s.type === 'ack') await ack(e[0].toString());
          else {
            failed = true;
            run.failing(s.error);
          }
        };
        // This consumer's pending entries first (after a restart, or a failed put), then new
        // ones; now and then, entries another consumer left pending are claimed.
        let cursor = '0';
        let lastClaim = -Infinity;
        while (!run.signal.aborted) {
          if (run.clock.now() - lastClaim >= c.claimIdleMs) {
            lastClaim = run.clock.now();
            const claimed = await client.sendCommand(['XAUTOCLAIM', c.stream, c.group, c.consumer, String(c.claimIdleMs), '0', 'COUNT', String(c.count)]) as [Buffer, (Entry | null)[]];
            for (const e of claimed[1] ?? []) if (e !== null && e[1] !== null) await window.run(() => take(e));
          }
          const reply = await client.sendCommand(['XREADGROUP', 'GROUP', c.group, c.consumer, 'COUNT', String(c.count), ...(cursor === '>' ? ['BLOCK', String(BLOCK_MS)] : []), 'STREAMS', c.stream, cursor]);
          const all = streamEntries(reply);
          // A pending entry deleted from the stream (XDEL) comes back without fields: nothing to take.
          for (const e of all) if (e[1] === null) await ack(e[0].toString());
          const entries = all.filter((e) => e[1] !== null);
          for (const e of entries) await window.run(() => take(e));
          await window.drain();
          if (failed) {
            failed = false;
            cursor = '0';
            await sleep(backoff.next(), run.signal);
          } else if (cursor === '0' && entries.length === 0) {
            cursor = '>';
            backoff.reset();
          }
        }
      } catch (err) {
        if (!run.signal.aborted) run.failing(err);
      } finally {
        if (client.isOpen) client.destroy();
      }
      if (!run.signal.aborted) await sleep(backoff.next(), run.signal);
    }
  })();
  return { stop: () => loop };
}
