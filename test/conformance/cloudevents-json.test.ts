// Runs the CloudEvents JSON-format conformance cases (cloudevents/conformance, format/json) at the
// codec level: structured mode, batch mode, and each case re-encoded to binary mode where binary
// mode can express it. Files are read from data/cloudevents-json (PROVENANCE.md there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isSwitchyardError } from '../../src/core/index.js';
import { createEvent, decodeHttpRequest, encodeBinary, encodeHeaderValue, type CloudEvent, type CreateEventFields } from '../../src/events/index.js';

interface Case {
  id: string;
  sampleId?: string;
  testType?: string;
  event?: Record<string, unknown>;
  batch?: unknown[];
}
const dir = new URL('data/cloudevents-json/', import.meta.url);
const load = (f: string): { testType: string; cases: Case[] } => {
  const doc = JSON.parse(readFileSync(new URL(f, dir), 'utf8').replace(/^\uFEFF/, '')) as { testType: string; tests: Case[] };
  return { testType: doc.testType, cases: doc.tests };
};
const limits = { maxEventBytes: 256 * 1024, maxBatchEvents: 1000 };

// The golden samples the cases name by sampleId (the suite ships ids only; these are their contents).
const core = { specversion: '1.0' as const, type: 'io.cloudevents.test', source: 'https://cloudevents.io' };
const samples: Record<string, CreateEventFields> = {
  minimal: { ...core, id: 'minimal' },
  allCore: { ...core, id: 'allCore', datacontenttype: 'text/plain', dataschema: 'https://cloudevents.io/dataschema', subject: 'tests', time: '2018-04-05T17:31:00Z' },
  minimalWithTime: { ...core, id: 'minimalWithTime', time: '2018-04-05T17:31:00Z' },
  minimalWithRelativeSource: { ...core, id: 'minimalWithRelativeSource', source: '#fragment' },
  simpleTextData: { ...core, id: 'simpleTextData', datacontenttype: 'text/plain', data: { kind: 'text', text: 'Simple text' } },
  allExtensionTypes: {
    ...core,
    id: 'allExtensionTypes',
    // No extension definitions are configured, so values keep their JSON types (strings stay strings).
    extensions: { extinteger: 10, extboolean: true, extstring: 'text', exturi: 'https://cloudevents.io', exturiref: '//authority/path', exttimestamp: '2023-03-31T15:12:00Z', extbinary: 'TWE=' },
  },
};
const batchSamples: Record<string, string[]> = {
  empty: [],
  minimal: ['minimal'],
  minimal2: ['minimal', 'minimal'],
  minimalAndAllCore: ['minimal', 'allCore'],
  minimalAndAllExtensionTypes: ['minimal', 'allExtensionTypes'],
};

/** Time compared as an instant: the offset variants of minimalWithTime name the same moment. */
function instant(t: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/.exec(t);
  assert.ok(m, t);
  const offsetMin = m[5] === undefined ? 0 : (m[5] === '-' ? -1 : 1) * (Number(m[6]) * 60 + Number(m[7]));
  const ms = Date.parse(`${m[1]}T${m[2]}Z`) - offsetMin * 60_000;
  return `${new Date(ms).toISOString().slice(0, 19)}${(m[3] ?? '').replace(/\.?0+$/, '')}Z`;
}
const normal = (ev: CloudEvent): CloudEvent => (ev.time === undefined ? ev : { ...ev, time: instant(ev.time) });

/** What binary mode keeps of an event: extension values as canonical strings (see docs/events.md). */
const binaryForm = (ev: CloudEvent): CloudEvent => ({ ...ev, extensions: Object.fromEntries(Object.entries(ev.extensions).map(([k, v]) => [k, String(v)])) });

function structured(obj: unknown, batch = false): ReturnType<typeof decodeHttpRequest> {
  const ct = batch ? 'application/cloudevents-batch+json' : 'application/cloudevents+json; charset=utf-8';
  return decodeHttpRequest({ contentType: ct, headers: {}, body: Buffer.from(JSON.stringify(obj)) }, limits);
}

/** Maps a JSON-format object, valid or not, onto a binary-mode request, member by member. */
function asBinary(obj: Record<string, unknown>): { contentType: string | undefined; headers: Record<string, string>; body: Buffer } {
  const headers: Record<string, string> = {};
  let contentType: string | undefined;
  let body = Buffer.alloc(0);
  for (const [k, v] of Object.entries(obj)) {
    if (v === null) continue;
    if (k === 'datacontenttype') contentType = String(v);
    else if (k === 'data') body = Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
    else if (k === 'data_base64') body = Buffer.from(String(v), 'base64');
    else headers[`ce-${k}`] = encodeHeaderValue(String(v));
  }
  return { contentType, headers, body };
}

/**
 * Invalid cases binary mode cannot express: headers carry only strings (so a numeric or object id
 * becomes a valid string id), header names are case-insensitive (MyExtension reads as
 * myextension), and there is one body (data and data_base64 cannot both be present).
 */
const notBinaryRepresentable: Record<string, string> = {
  invalidNumericId: 'headers are untyped strings: 25 becomes the valid id "25"',
  invalidObjectId: 'headers are untyped strings',
  invalidCapitalizedExtension: 'header names are case-insensitive: ce-MyExtension is ce-myextension',
  invalidBothDataAndDataBase64: 'binary mode has a single body',
};

const counts = { structured: 0, binary: 0, skippedBinary: 0, total: 0 };

for (const file of ['valid-events.json', 'invalid-events.json', 'valid-batches.json', 'invalid-batches.json']) {
  const { testType, cases } = load(file);
  for (const c of cases) {
    const type = c.testType ?? testType;
    test(`cloudevents json conformance - ${type} ${c.id}`, () => {
      counts.total++;
      switch (type) {
        case 'ValidSingleEvent': {
          const sample = samples[c.sampleId ?? ''];
          assert.ok(sample, `golden sample ${c.sampleId}`);
          const want = createEvent(sample);
          const got = structured(c.event);
          assert.equal(got.mode, 'structured');
          assert.deepEqual(got.events.map(normal), [normal(want)]);
          counts.structured++;
          const [ev] = got.events;
          assert.ok(ev);
          const bin = encodeBinary(ev);
          const back = decodeHttpRequest({ contentType: bin.headers['content-type'], headers: bin.headers, body: bin.body }, limits);
          assert.equal(back.mode, 'binary');
          assert.deepEqual(back.events.map(normal), [normal(binaryForm(want))]);
          counts.binary++;
          break;
        }
        case 'ValidBatch': {
          const names = batchSamples[c.sampleId ?? ''];
          assert.ok(names, `golden batch ${c.sampleId}`);
          const want = names.map((n) => createEvent(samples[n] as CreateEventFields));
          const got = structured(c.batch, true);
          assert.equal(got.mode, 'batch');
          assert.deepEqual(got.events.map(normal), want.map(normal));
          counts.structured++;
          for (const [i, ev] of got.events.entries()) {
            const bin = encodeBinary(ev);
            const back = decodeHttpRequest({ contentType: bin.headers['content-type'], headers: bin.headers, body: bin.body }, limits);
            assert.deepEqual(back.events.map(normal), [normal(binaryForm(want[i] as CloudEvent))]);
          }
          counts.binary++;
          break;
        }
        case 'InvalidSingleEvent': {
          assert.throws(() => structured(c.event), (e) => isSwitchyardError(e) && e.code === 'SWY_EVENT_INVALID' && e.violations.length > 0);
          counts.structured++;
          if (c.id in notBinaryRepresentable) {
            counts.skippedBinary++;
            return;
          }
          const req = asBinary(c.event ?? {});
          assert.throws(() => decodeHttpRequest(req, limits), (e) => isSwitchyardError(e) && e.code === 'SWY_EVENT_INVALID' && e.violations.length > 0);
          counts.binary++;
          break;
        }
        case 'InvalidBatch': {
          assert.throws(() => structured(c.batch, true), (e) => isSwitchyardError(e) && e.code === 'SWY_EVENT_INVALID' && e.violations.length > 0);
          counts.structured++;
          // A batch has no binary-mode form; its invalid elements are covered by the single-event cases.
          counts.skippedBinary++;
          break;
        }
        default:
          assert.fail(`unknown test type ${type}`);
      }
    });
  }
}

test('cloudevents json conformance - every case ran (10 + 25 valid/invalid events, 5 + 3 batches)', () => {
  assert.equal(counts.total, 43);
  assert.equal(counts.structured, 43);
  console.log(`cloudevents-json conformance: structured/batch ${counts.structured}/43 passed; binary ${counts.binary} passed, ${counts.skippedBinary} not representable in binary mode`);
});
