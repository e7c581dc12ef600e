/**
 * PutEvents: each entry becomes a CloudEvent (docs/aws-compatibility.md) — `type` from
 * DetailType, `source` from Source, `data` from Detail, `time` from Time (else now), a new UUID
 * as `id`, the AWS-only fields as extensions (rules/aws-envelope.ts) — and is put with
 * IngestService.put. Entries stand alone, as on AWS: a bad entry fails with its ErrorCode and
 * ErrorMessage, the others are stored.
 */
import { randomUUID } from 'node:crypto';
import { isSwitchyardError } from '../../core/index.js';
import { createEvent, eventSize, valueDepth, type AttributeValue, type CloudEvent } from '../../events/index.js';
import { AWS_EXTENSIONS } from '../../rules/index.js';
import { busParam } from './arn.js';
import type { AwsContext, Operation } from './context.js';
import { AwsError, validationError } from './protocol.js';
import { Params } from './params.js';

/** AWS's limits: 10 entries per call, 256 KB for the entries together (as AWS counts them). */
export const MAX_ENTRIES = 10;
export const MAX_ENTRIES_BYTES = 256 * 1024;

type EntryOut = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

const utf8 = (v: unknown): number => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : 0);

/** AWS's entry size: Time counts 14 bytes, the strings their UTF-8 length. */
function entrySize(e: Record<string, unknown>): number {
  const resources = Array.isArray(e['Resources']) ? e['Resources'].reduce((n: number, r) => n + utf8(r), 0) : 0;
  return (e['Time'] === undefined ? 0 : 14) + utf8(e['Source']) + utf8(e['DetailType']) + utf8(e['Detail']) + resources;
}

class EntryError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** AWS writes times to the second: `2024-05-01T12:00:00Z`. */
const awsTime = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

function timeOf(v: unknown, now: number): string {
  if (v === undefined || v === null) return awsTime(now);
  // The JSON 1.1 protocol sends timestamps as epoch seconds; a date string is taken too.
  const ms = typeof v === 'number' ? v * 1000 : typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0 || ms > 253402300799000) throw new EntryError('InvalidArgument', 'Parameter Time is not valid. Reason: not a timestamp.');
  return awsTime(ms);
}

/** An X-Ray trace header (`Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=0|1`) as a W3C traceparent. */
export function traceparentOfXray(header: string): string | undefined {
  const root = /(?:^|;)\s*Root=1-([0-9a-f]{8})-([0-9a-f]{24})/.exec(header);
  const parent = /(?:^|;)\s*Parent=([0-9a-f]{16})/.exec(header);
  if (root === null || parent === null) return undefined;
  const sampled = /(?:^|;)\s*Sampled=1/.test(header) ? '01' : '00';
  return `00-${root[1]}${root[2]}-${parent[1]}-${sampled}`;
}

function required(e: Record<string, unknown>, name: string, max: number): string {
  const v = e[name];
  if (typeof v !== 'string' || v.length === 0) throw new EntryError('InvalidArgument', `Parameter ${name} is not valid. Reason: ${name} is a required argument.`);
  if (v.length > max) throw new EntryError('InvalidArgument', `Parameter ${name} is not valid. Reason: longer than ${max} characters.`);
  return v;
}

function toEvent(raw: unknown, ctx: AwsContext): { bus: string; event: CloudEvent } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new EntryError('InvalidArgument', 'Entry must be a JSON object.');
  const e = raw as Record<string, unknown>;
  const source = required(e, 'Source', 256);
  const detailType = required(e, 'DetailType', 128);
  const detailText = required(e, 'Detail', MAX_ENTRIES_BYTES);
  let detail: unknown;
  try {
    detail = JSON.parse(detailText);
  } catch {
    throw new EntryError('MalformedDetail', 'Detail is malformed.');
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) throw new EntryError('MalformedDetail', 'Detail is malformed. Reason: Detail must be a JSON object.');
  if (valueDepth(detail, ctx.maxJsonDepth) >= ctx.maxJsonDepth) throw new EntryError('MalformedDetail', `Detail is malformed. Reason: nests deeper than ${ctx.maxJsonDepth - 1} levels (limits.maxJsonDepth).`);
  let bus: string;
  try {
    bus = busParam(e['EventBusName']);
  } catch (err) {
    throw new EntryError('InvalidArgument', err instanceof Error ? err.message : 'Parameter EventBusName is not valid.');
  }
  const extensions: Record<string, AttributeValue> = { [AWS_EXTENSIONS.account]: ctx.scope.account, [AWS_EXTENSIONS.region]: ctx.scope.region };
  const resources = e['Resources'];
  if (resources !== undefined && resources !== null) {
    if (!Array.isArray(resources) || resources.some((r) => typeof r !== 'string' || r.length > 2048)) throw new EntryError('InvalidArgument', 'Parameter Resources is not valid. Reason: must be a list of strings.');
    if (resources.length > 0) extensions[AWS_EXTENSIONS.resources] = JSON.stringify(resources);
  }
  const trace = e['TraceHeader'];
  if (trace !== undefined && trace !== null) {
    if (typeof trace !== 'string' || trace.length > 500) throw new EntryError('InvalidArgument', 'Parameter TraceHeader is not valid. Reason: must be a string of at most 500 characters.');
    const tp = traceparentOfXray(trace);
    if (tp !== undefined) extensions['traceparent'] = tp;
  }
  try {
    const event = createEvent({
      id: randomUUID(), source, type: detailType, time: timeOf(e['Time'], ctx.clock.now()),
      datacontenttype: 'application/json', extensions, data: { kind: 'json', value: detail as never, text: detailText },
    });
    if (eventSize(event) > ctx.maxEventBytes) throw new EntryError('InvalidArgument', `Entry is too large: ${eventSize(event)} bytes as a CloudEvent; the limit is ${ctx.maxEventBytes} (limits.maxEventBytes).`);
    return { bus, event };
  } catch (err) {
    if (!isSwitchyardError(err)) throw err;
    throw new EntryError('InvalidArgument', `${err.violations.map((v) => `${v.path.replace(/^\/(source|type)/, (_m, f: string) => (f === 'source' ? 'Source' : 'DetailType'))} ${v.reason}`).join('; ')} (${err.code})`);
  }
}

export const putEvents: Operation = async (input, ctx) => {
  const p = new Params(input);
  const entries = p.array('Entries', { required: true, min: 1, max: MAX_ENTRIES });
  p.unsupported('EndpointId');
  p.done();
  const list = entries!;
  const total = list.reduce((n: number, e) => n + (typeof e === 'object' && e !== null ? entrySize(e as Record<string, unknown>) : 0), 0);
  if (total > MAX_ENTRIES_BYTES) throw validationError([`Total size of the entries in the request is over the limit: ${total} bytes, at most ${MAX_ENTRIES_BYTES}`]);
  const out: EntryOut[] = new Array(list.length);
  const byBus = new Map<string, { events: CloudEvent[]; slots: number[] }>();
  list.forEach((raw, i) => {
    try {
      const { bus, event } = toEvent(raw, ctx);
      let g = byBus.get(bus);
      if (g === undefined) byBus.set(bus, (g = { events: [], slots: [] }));
      g.events.push(event);
      g.slots.push(i);
    } catch (err) {
      if (!(err instanceof EntryError)) throw err;
      out[i] = { ErrorCode: err.code, ErrorMessage: err.message };
    }
  });
  const origin = { kind: 'http', mode: 'put-events', client: ctx.client.client, traceparent: ctx.client.traceparent } as const;
  for (const [bus, g] of byBus) {
    if ((await ctx.catalog.buses.get(bus)) === undefined) {
      for (const i of g.slots) out[i] = { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
      continue;
    }
    let outcomes;
    try {
      outcomes = await ctx.ingest.put(bus, g.events, origin);
    } catch (err) {
      if (!isSwitchyardError(err) || err.status >= 500) throw err;
      for (const i of g.slots) out[i] = { ErrorCode: err.status === 403 ? 'AccessDeniedException' : 'InvalidArgument', ErrorMessage: `${err.message} (${err.code})` };
      continue;
    }
    outcomes.forEach((o, k) => {
      const i = g.slots[k]!;
      out[i] = o.type === 'stored' || o.type === 'duplicate' ? { EventId: o.id }
        : o.type === 'refused' ? { ErrorCode: o.code === 'SWY_INGEST_SYSTEM_BUS' ? 'AccessDeniedException' : 'InvalidArgument', ErrorMessage: `${o.message} (${o.code})` }
          : { ErrorCode: 'InternalFailure', ErrorMessage: 'not stored' };
    });
  }
  if (out.some((o) => o === undefined)) throw new AwsError('InternalException', 'an entry was not processed', 500);
  return { FailedEntryCount: out.filter((o) => 'ErrorCode' in o).length, Entries: out };
};
