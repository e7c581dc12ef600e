// The CloudEvents JSON-format conformance cases (data/cloudevents-json, see its
// FORMAT.md) run against the real server over HTTP: valid → 2xx and, read back through GET,
// equal to the reference; invalid → 400 and nothing stored. Every case runs in structured (or
// batch) mode, and again re-encoded to binary mode.
//
// The golden samples named by `sampleId` are not part of the suite, so the reference of a sample
// is the first valid case that names it (with null attributes dropped, as the JSON format says
// null means absent); `time` is compared as an instant since the variants of `minimalWithTime`
// spell the same instant differently. Each case gets its own bus, and dedupe is off, so a batch
// holding one event twice (validBatchMinimal2) stores both copies.
//
// Binary mode carries extension values as strings (no extension definitions, see docs/events.md),
// so there the reference's extension values are compared as their string forms.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { encodeBinary, encodeHeaderValue, parseEventJson } from '../../src/events/index.js';
import { startTestServer, type TestServer } from '../e2e/harness.js';
import { BATCH, STRUCTURED, call, listAll } from '../e2e/_client.js';

type Json = Record<string, unknown>;
type TestType = 'ValidSingleEvent' | 'ValidBatch' | 'InvalidSingleEvent' | 'InvalidBatch';
interface Case { id: string; sampleId?: string; testType?: TestType; description?: string; event?: unknown; batch?: unknown[] }
interface CaseFile { testType: TestType; tests: Case[] }

const dir = new URL('data/cloudevents-json/', import.meta.url);
const load = (name: string): CaseFile => JSON.parse(readFileSync(new URL(name, dir), 'utf8').replace(/^\uFEFF/, '')) as CaseFile;
const files = ['valid-events.json', 'invalid-events.json', 'valid-batches.json', 'invalid-batches.json'].map((f) => [f, load(f)] as const);
const cases = files.flatMap(([, f]) => f.tests.map((c) => ({ ...c, testType: c.testType ?? f.testType })));

/** Cases binary mode cannot express, with the reason. */
const notInBinary: Readonly<Record<string, string>> = {
  validBatchEmpty: 'binary mode carries one event: an empty batch has no binary form',
  invalidNumericId: 'header values are strings: the number 25 arrives as the valid id "25"',
  invalidObjectId: 'an object has no header form',
  invalidCapitalizedExtension: 'header names are case-insensitive: ce-MyExtension is the valid ce-myextension',
  invalidBothDataAndDataBase64: 'binary mode has one body, so data and data_base64 cannot both be present',
  invalidBatchMixedSpecVersions: 'binary mode carries one event, never a batch',
  invalidBatchContainingInvalidCloudEvent: 'binary mode carries one event, never a batch',
  invalidBatchContainingNonObject: 'binary mode carries one event, never a batch',
};

const dropNulls = (e: Json): Json => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== null));

/** An RFC 3339 timestamp as a comparable instant (ms since epoch + nanosecond fraction). */
function instant(t: unknown): string {
  const m = typeof t === 'string' ? /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/i.exec(t) : null;
  if (m === null) return `not a timestamp: ${String(t)}`;
  return `${Date.parse(`${m[1]}${m[3]!.toUpperCase()}`)}.${(m[2] ?? '').padEnd(9, '0')}`;
}

const CORE = new Set(['specversion', 'id', 'source', 'type', 'datacontenttype', 'dataschema', 'subject', 'time', 'data', 'data_base64']);

function comparable(e: Json, binary: boolean): Json {
  const o: Json = {};
  for (const [k, v] of Object.entries(dropNulls(e))) {
    if (k === 'time') o[k] = instant(v);
    else if (binary && !CORE.has(k)) o[k] = String(v);
    else o[k] = v;
  }
  return o;
}

// The reference of each sample: the first valid case naming it (events) or its batch.
const reference = new Map<string, Json[]>();
for (const c of cases) {
  if (c.sampleId === undefined || reference.has(c.sampleId)) continue;
  if (c.testType === 'ValidSingleEvent') reference.set(c.sampleId, [dropNulls(c.event as Json)]);
  if (c.testType === 'ValidBatch') reference.set(c.sampleId, (c.batch as Json[]).map(dropNulls));
}

/** Binary-mode headers and body built from an invalid event's JSON, attribute by attribute. */
function binaryFromJson(e: Json): { headers: Record<string, string>; body: Buffer } {
  const headers: Record<string, string> = {};
  let body = Buffer.alloc(0);
  for (const [k, v] of Object.entries(e)) {
    if (k === 'data') body = Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');
    else if (k === 'data_base64') body = Buffer.from(String(v), 'base64');
    else if (k === 'datacontenttype') headers['content-type'] = String(v);
    else headers[`ce-${k}`] = encodeHeaderValue(String(v));
  }
  return { headers, body };
}

function binaryFromValid(e: Json): { headers: Record<string, string>; body: Buffer } {
  const parsed = parseEventJson(e, { text: JSON.stringify(e) });
  assert.ok(parsed.ok, 'the codec accepts the valid case');
  return encodeBinary(parsed.event);
}

describe('conformance - CloudEvents JSON format over HTTP', () => {
  let s: TestServer;
  let base: string;
  const tally = { structured: { pass: 0, fail: 0 }, binary: { pass: 0, fail: 0, skipped: 0 } };
  before(async () => {
    s = await startTestServer({ ingest: { dedupeWindowMs: 0 } });
    base = s.url;
  });
  after(async () => {
    await s.close();
    process.stdout.write(`# cloudevents-json over HTTP: structured/batch ${tally.structured.pass}/${cases.length} passed; ` +
      `binary ${tally.binary.pass}/${cases.length - tally.binary.skipped} passed, ${tally.binary.skipped} not expressible in binary mode\n`);
  });

  let n = 0;
  const freshBus = async (): Promise<string> => {
    const name = `conf-${++n}`;
    const a = await call(base, '/v1/buses', { json: { name } });
    assert.equal(a.status, 201, a.text);
    return name;
  };

  const storedEvents = async (bus: string): Promise<Json[]> => (await listAll(base, bus)).map((e) => e.event);

  const counted = (mode: 'structured' | 'binary', body: () => Promise<void>) => async (): Promise<void> => {
    try {
      await body();
      tally[mode].pass++;
    } catch (e) {
      tally[mode].fail++;
      throw e;
    }
  };

  for (const c of cases) {
    const valid = c.testType === 'ValidSingleEvent' || c.testType === 'ValidBatch';
    const events = (c.testType.endsWith('Batch') ? c.batch : [c.event]) as Json[];

    test(`conformance structured - ${c.id} (${c.testType})`, counted('structured', async () => {
      const bus = await freshBus();
      const isBatch = c.testType.endsWith('Batch');
      const body = JSON.stringify(isBatch ? c.batch : c.event);
      const a = await call<{ results: { id: string }[] }>(base, `/v1/buses/${bus}/events`, { body, headers: { 'content-type': isBatch ? BATCH : STRUCTURED } });
      if (valid) {
        assert.equal(a.status, 202, a.text);
        assert.equal(a.json.results.length, events.length);
        const stored = await storedEvents(bus);
        // Byte-for-byte what was sent (nulls dropped), and equal to the sample's reference.
        assert.deepEqual(stored, events.map(dropNulls));
        assert.deepEqual(stored.map((e) => comparable(e, false)), reference.get(c.sampleId!)!.map((e) => comparable(e, false)));
        for (const e of events) {
          const g = await call<{ event: Json }>(base, `/v1/buses/${bus}/events/${encodeURIComponent(String(e['id']))}`);
          assert.equal(g.status, 200, g.text);
        }
      } else {
        assert.equal(a.status, 400, a.text);
        assert.match(a.contentType, /^application\/problem\+json/);
        assert.deepEqual(await storedEvents(bus), []);
      }
    }));

    const skip = notInBinary[c.id];
    if (skip !== undefined) tally.binary.skipped++;
    test(`conformance binary - ${c.id} (${c.testType})`, { skip }, counted('binary', async () => {
      const bus = await freshBus();
      for (const e of events) {
        const msg = valid ? binaryFromValid(e) : binaryFromJson(e);
        const a = await call(base, `/v1/buses/${bus}/events`, { method: 'POST', body: msg.body, headers: msg.headers });
        if (valid) assert.equal(a.status, 202, a.text);
        else {
          assert.equal(a.status, 400, `${a.text} for ${JSON.stringify(msg.headers)}`);
          assert.match(a.contentType, /^application\/problem\+json/);
        }
      }
      const stored = await storedEvents(bus);
      if (valid) assert.deepEqual(stored.map((e) => comparable(e, true)), reference.get(c.sampleId!)!.map((e) => comparable(e, true)));
      else assert.deepEqual(stored, []);
    }));
  }
});
