import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { request } from 'undici';
import { contractMessage, runTargetContract } from '../targets.contract.js';
import { createEvent } from '../../events/index.js';
import { createTarget, validateTargetSpec } from './index.js';
import { testWorld } from './test-deps.contract.js';

// s3rver: an S3-compatible server from npm, run in the test process (access key "S3RVER"). It
// checks the access key id of a SigV4 request but not the signature itself (its V4 support is
// partial): the signature is checked against AWS's published vectors (http/signing/sigv4.test.ts).
// It ships no types; this is the part used.
interface S3rverServer { run(): Promise<Server['address'] extends () => infer A ? A : never>; close(): Promise<void> }
const S3rver = createRequire(import.meta.url)('s3rver') as new (o: Record<string, unknown>) => S3rverServer;

const world = testWorld();
const dir = mkdtempSync(path.join(tmpdir(), 'swy-s3-'));
let server: S3rverServer;
let endpoint = '';

before(async () => {
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: 'events' }, { name: 'other-bucket' }] });
  const addr = (await server.run()) as AddressInfo;
  endpoint = `http://127.0.0.1:${addr.port}`;
  world.vault.put('s3', { kind: 'aws', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
  world.vault.put('s3-wrong', { kind: 'aws', accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'not-the-secret' });
});
after(async () => {
  await server.close();
  await world.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An object of the bucket, read back (s3rver serves unsigned reads). */
async function get(key: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const r = await request(`${endpoint}/events/${key}`);
  return { status: r.statusCode, body: await r.body.text(), headers: r.headers };
}

const ids: string[] = [];
runTargetContract({
  kind: 's3',
  healthy: async () => createTarget({ id: 't', kind: 's3', url: endpoint, bucket: 'events', connection: 's3', key: 'contract/${switchyard.event-id}.json' }, world.deps()),
  failing: async () => createTarget({ id: 't', kind: 's3', url: endpoint, bucket: 'events', connection: 's3-wrong', key: 'x/${switchyard.event-id}' }, world.deps()),
  // the contract's event ids are evt-<pid>-<n>; read back the ones sent so far
  received: async () => {
    const out: string[] = [];
    for (let n = 1; n <= 400; n++) {
      const id = `evt-${process.pid}-${n}`;
      if (ids.includes(id)) {
        out.push(id);
        continue;
      }
      const r = await get(`contract/${id}.json`);
      if (r.status === 200) {
        const body = JSON.parse(r.body) as { id: string } | { id: string }[];
        for (const e of Array.isArray(body) ? body : [body]) if (!ids.includes(e.id)) ids.push(e.id);
        out.push(id);
      }
    }
    return [...new Set([...out, ...ids])].sort((a, b) => Number(a.split('-').pop()) - Number(b.split('-').pop()));
  },
  cleanup: async () => undefined,
});

test('s3 - one object per event under the templated key, the JSON event as body; binary mode puts the data with ce- metadata', async () => {
  const s = createTarget({ id: 't', kind: 's3', url: endpoint, bucket: 'events', connection: 's3', key: 'orders/${region}/${switchyard.event-id}.json', variables: { region: '$.data.region' } }, world.deps());
  const b = createTarget({ id: 't', kind: 's3', url: endpoint, bucket: 'events', connection: 's3', key: 'bin/${switchyard.event-id}', mode: 'binary' }, world.deps());
  try {
    const m = { ...contractMessage(), eventId: 's3-1', outbound: { type: 'event' as const, event: createEvent({ id: 's3-1', source: 'urn:s', type: 't.x', data: { kind: 'json', value: { region: 'eu', n: 1 } } }) } };
    assert.equal((await s.send([m], new AbortController().signal)).type, 'delivered');
    const o = await get('orders/eu/s3-1.json');
    assert.equal(o.status, 200);
    assert.match(String(o.headers['content-type']), /^application\/cloudevents\+json/);
    assert.equal((JSON.parse(o.body) as { id: string }).id, 's3-1');
    assert.equal((await b.send([m], new AbortController().signal)).type, 'delivered');
    const bin = await get('bin/s3-1');
    assert.deepEqual(JSON.parse(bin.body), { region: 'eu', n: 1 });
    assert.equal(bin.headers['x-amz-meta-ce-id'], 's3-1');
    assert.equal(bin.headers['content-type'], 'application/json');
  } finally {
    await s.close();
    await b.close();
  }
});

test('s3 - a batch is one object (CloudEvents batch) named by its first message', async () => {
  const t = createTarget({ id: 't', kind: 's3', url: endpoint, bucket: 'events', connection: 's3', key: 'batches/${switchyard.event-id}.json' }, world.deps());
  try {
    const ms = [contractMessage(), contractMessage(), contractMessage()];
    assert.equal((await t.send(ms, new AbortController().signal)).type, 'delivered');
    const o = await get(`batches/${ms[0]!.eventId}.json`);
    assert.match(String(o.headers['content-type']), /^application\/cloudevents-batch\+json/);
    assert.deepEqual((JSON.parse(o.body) as { id: string }[]).map((e) => e.id), ms.map((m) => m.eventId));
  } finally {
    await t.close();
  }
});

test('s3 - an unknown access key and a missing bucket are config; a key leaving its prefix is rejected', async () => {
  const wrong = createTarget({ id: 't', kind: 's3', url: endpoint, bucket: 'events', connection: 's3-wrong', key: 'k' }, world.deps());
  const nobucket = createTarget({ id: 't', kind: 's3', url: endpoint, bucket: 'no-such-bucket', connection: 's3', key: 'k' }, world.deps());
  const dots = createTarget({ id: 't', kind: 's3', url: endpoint, bucket: 'events', connection: 's3', key: 'a/${k}', variables: { k: '$.data.k' } }, world.deps());
  try {
    const a = await wrong.send([contractMessage()], new AbortController().signal);
    assert.equal(a.type === 'failed' && a.errorClass, 'config', JSON.stringify(a));
    assert.match(a.type === 'failed' ? a.message : '', /403 InvalidAccessKeyId/);
    const b = await nobucket.send([contractMessage()], new AbortController().signal);
    assert.equal(b.type === 'failed' && b.errorClass, 'config', JSON.stringify(b));
    const m = { ...contractMessage(), outbound: { type: 'event' as const, event: createEvent({ id: 'd', source: 's', type: 't', data: { kind: 'json', value: { k: '../other' } } }) } };
    const c = await dots.send([m], new AbortController().signal);
    assert.equal(c.type === 'failed' && c.errorClass, 'rejected', JSON.stringify(c));
  } finally {
    for (const x of [wrong, nobucket, dots]) await x.close();
  }
});

test('s3 - a bad target is refused when the rule is saved', () => {
  const v = validateTargetSpec({ kind: 's3', url: 'ftp://h', bucket: 'Bad_Bucket', key: '', region: 'Mars 1', mode: 'x' }, '');
  assert.deepEqual(v.map((x) => x.path).sort(), ['/bucket', '/connection', '/key', '/mode', '/region', '/url']);
});
