import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { contractMessage, runTargetContract } from '../../targets.contract.js';
import { DEFAULT_POLICY, shouldRetry } from '../../engine/index.js';
import { createEvent } from '../../../events/index.js';
import { createTarget, validateTargetSpec } from '../index.js';
import { testWorld } from '../test-deps.contract.js';
import { eventually, requireService, sendThroughOutage, tcpProxy, uniqueName } from './test-support.contract.js';

const NATS = 'nats://127.0.0.1:4222';
const world = testWorld();
let nc: NatsConnection;
let jsm: JetStreamManager;
const streams: string[] = [];

before(async () => {
  await requireService('NATS', 4222);
  nc = await connect({ servers: '127.0.0.1:4222' });
  jsm = await jetstreamManager(nc);
});
after(async () => {
  for (const s of streams) await jsm.streams.delete(s).catch(() => undefined);
  await nc.close();
  await world.close();
});

/** A fresh JetStream stream over `<name>.>`. */
async function stream(): Promise<string> {
  const name = uniqueName('swy').replace(/[^A-Za-z0-9_]/g, '_');
  await jsm.streams.add({ name, subjects: [`${name}.>`], duplicate_window: 60_000_000_000 });
  streams.push(name);
  return name;
}

async function storedIds(name: string): Promise<string[]> {
  const info = await jsm.streams.info(name);
  const ids: string[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq += 1) {
    const m = await jsm.streams.getMessage(name, { seq });
    if (m !== null) ids.push(m.header.get('ce-id'));
  }
  return ids;
}

// JetStream flavour: success is the stream's ack.
{
  let name = '';
  runTargetContract({
    kind: 'nats',
    healthy: async () => {
      name ||= await stream();
      return createTarget({ id: 't', kind: 'nats', url: NATS, subject: `${name}.events`, jetstream: true }, world.deps());
    },
    failing: async () => createTarget({ id: 't', kind: 'nats', url: 'nats://127.0.0.1:1', subject: 'x.y', jetstream: true, timeoutMs: 2000 }, world.deps()),
    received: async () => storedIds(name),
    cleanup: async () => undefined,
  });
}

// Core flavour: success is the flush after the publishes.
{
  const subject = uniqueName('core');
  const got: string[] = [];
  let sub: Subscription | undefined;
  runTargetContract({
    kind: 'nats',
    healthy: async () => {
      if (sub === undefined) {
        sub = nc.subscribe(subject, { callback: (_e, m) => void got.push(m.headers?.get('ce-id') ?? '') });
        await nc.flush();
      }
      return createTarget({ id: 't', kind: 'nats', url: NATS, subject }, world.deps());
    },
    failing: async () => createTarget({ id: 't', kind: 'nats', url: 'nats://127.0.0.1:1', subject, timeoutMs: 2000 }, world.deps()),
    // the subscriber's connection receives asynchronously; a round trip on it orders it after the flush
    received: async () => {
      await nc.flush();
      return got;
    },
    cleanup: async () => sub?.unsubscribe(),
  });
}

test('nats - binary mode puts attributes in ce- headers and data as the body; structured sends the JSON event', async () => {
  const subject = uniqueName('modes');
  const msgs: { headers: Record<string, string>; body: string }[] = [];
  const sub = nc.subscribe(`${subject}.>`, {
    callback: (_e, m) => void msgs.push({ headers: Object.fromEntries([...(m.headers?.keys() ?? [])].map((k) => [k.toLowerCase(), m.headers!.get(k)])), body: m.string() }),
  });
  await nc.flush();
  const binary = createTarget({ id: 't', kind: 'nats', url: NATS, subject: `${subject}.b` }, world.deps());
  const structured = createTarget({ id: 't', kind: 'nats', url: NATS, subject: `${subject}.s`, mode: 'structured' }, world.deps());
  try {
    const ev = createEvent({ id: 'e-1', source: 'urn:s', type: 't.x', subject: 'sub/ü', extensions: { tenant: 'acme' }, data: { kind: 'json', value: { a: 1 } } });
    const m = { ...contractMessage(), outbound: { type: 'event' as const, event: ev }, eventId: 'e-1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    assert.equal((await binary.send([m], new AbortController().signal)).type, 'delivered');
    assert.equal((await structured.send([m], new AbortController().signal)).type, 'delivered');
    await nc.flush();
    await eventually(() => msgs.length === 2);
    const b = msgs[0]!;
    assert.equal(b.headers['ce-id'], 'e-1');
    assert.equal(b.headers['ce-specversion'], '1.0');
    assert.equal(b.headers['ce-type'], 't.x');
    assert.equal(decodeURIComponent(b.headers['ce-subject']!), 'sub/ü');
    assert.equal(b.headers['ce-tenant'], 'acme');
    assert.equal(b.headers['content-type'], 'application/json');
    assert.equal(b.headers.traceparent, m.traceparent);
    assert.deepEqual(JSON.parse(b.body), { a: 1 });
    const s = msgs[1]!;
    assert.equal(s.headers['ce-id'], undefined);
    assert.match(s.headers['content-type']!, /^application\/cloudevents\+json/);
    assert.deepEqual(JSON.parse(s.body), { specversion: '1.0', id: 'e-1', source: 'urn:s', type: 't.x', subject: 'sub/ü', tenant: 'acme', data: { a: 1 } });
  } finally {
    sub.unsubscribe();
    await binary.close();
    await structured.close();
  }
});

test('nats - the subject is templated from the event; a subject that renders badly is rejected, not retried', async () => {
  const name = await stream();
  const t = createTarget({ id: 't', kind: 'nats', url: NATS, subject: `${name}.\${region}.\${switchyard.rule-name}`, variables: { region: '$.data.region' }, jetstream: { stream: name } }, world.deps());
  try {
    const ok = { ...contractMessage(), outbound: { type: 'event' as const, event: createEvent({ id: 'r-1', source: 's', type: 't', data: { kind: 'json', value: { region: 'eu' } } }) } };
    assert.equal((await t.send([ok], new AbortController().signal)).type, 'delivered');
    const m = await jsm.streams.getMessage(name, { last_by_subj: `${name}.eu.r1` });
    assert.equal(m?.header.get('ce-id'), 'r-1');
    const bad = { ...contractMessage(), outbound: { type: 'event' as const, event: createEvent({ id: 'r-2', source: 's', type: 't', data: { kind: 'json', value: { region: 'a b' } } }) } };
    const o = await t.send([bad], new AbortController().signal);
    assert.equal(o.type, 'failed');
    assert.equal(o.type === 'failed' && o.errorClass, 'rejected');
    const wild = { ...contractMessage(), outbound: { type: 'event' as const, event: createEvent({ id: 'r-3', source: 's', type: 't', data: { kind: 'json', value: { region: '*' } } }) } };
    const w = await t.send([wild], new AbortController().signal);
    assert.equal(w.type === 'failed' && w.errorClass, 'rejected');
  } finally {
    await t.close();
  }
});

test('nats - JetStream dedupes a retried delivery by its delivery id (Nats-Msg-Id)', async () => {
  const name = await stream();
  const t = createTarget({ id: 't', kind: 'nats', url: NATS, subject: `${name}.x`, jetstream: true }, world.deps());
  try {
    const m = contractMessage();
    assert.equal((await t.send([m], new AbortController().signal)).type, 'delivered');
    assert.equal((await t.send([{ ...m, attempt: 2 }], new AbortController().signal)).type, 'delivered');
    assert.deepEqual(await storedIds(name), [m.eventId]);
  } finally {
    await t.close();
  }
});

test('nats - no stream for the subject fails as a retryable network error', async () => {
  const t = createTarget({ id: 't', kind: 'nats', url: NATS, subject: `${uniqueName('nostream')}.x`, jetstream: true, timeoutMs: 3000 }, world.deps());
  try {
    const o = await t.send([contractMessage()], new AbortController().signal);
    assert.equal(o.type, 'failed');
    assert.ok(o.type === 'failed' && shouldRetry(DEFAULT_POLICY, o), JSON.stringify(o));
  } finally {
    await t.close();
  }
});

test('nats - the broker going down mid-load: deliveries fail retryably, reconnect, and nothing is lost', { timeout: 60_000 }, async () => {
  const name = await stream();
  const proxy = await tcpProxy(4222);
  const t = createTarget({ id: 't', kind: 'nats', url: `nats://127.0.0.1:${proxy.port}`, subject: `${name}.load`, jetstream: true, timeoutMs: 2000 }, world.deps());
  try {
    const ms = Array.from({ length: 30 }, () => contractMessage());
    const { failures } = await sendThroughOutage({ proxy, count: ms.length, send: (i) => t.send([ms[i]!], new AbortController().signal), retryable: (o) => shouldRetry(DEFAULT_POLICY, o) });
    assert.ok(failures >= 3, 'the outage was seen');
    assert.deepEqual(await storedIds(name), ms.map((m) => m.eventId), 'every message once, in order');
  } finally {
    await t.close();
    await proxy.close();
  }
});

test('nats - a bad target is refused when the rule is saved, one violation per problem', () => {
  const v = validateTargetSpec({ kind: 'nats', url: 'nats://u:p@h:4222?x=1', subject: 'a.*', jetstream: { stream: 'bad name', extra: 1 }, mode: 'both', connection: '../x' }, '/targets/0');
  const paths = v.map((x) => x.path).sort();
  assert.deepEqual(paths, ['/targets/0/connection', '/targets/0/jetstream/extra', '/targets/0/jetstream/stream', '/targets/0/mode', '/targets/0/subject', '/targets/0/url', '/targets/0/url']);
  const t = validateTargetSpec({ kind: 'nats', url: 'http://h', subject: 'a.${nope}', variables: { x: 'not a path' } }, '');
  assert.ok(t.some((x) => x.path === '/url'));
  assert.ok(t.some((x) => x.path === '/subject' && /unknown variable "nope"/.test(x.reason)), JSON.stringify(t));
  assert.ok(t.some((x) => x.path.startsWith('/variables/x')), JSON.stringify(t));
  assert.deepEqual(validateTargetSpec({ kind: 'nats', url: 'nats://h', subject: 'x'.repeat(2000) }, '').map((x) => x.path), ['/subject']);
  assert.deepEqual(validateTargetSpec({ kind: 'nats', url: 'nats://h' }, '').map((x) => x.path), ['/subject']);
});
