// The circuit breaker is cluster-wide (issue 15): three in-process cluster nodes (each its own
// ClusterStore — pool, LISTEN connection, NATS connection — and its own dispatcher) deliver to
// one real HTTP receiver that fails. Failures seen on different nodes add up and open the
// breaker on every node; while it is open no node sends; when it is half-open exactly one node
// across the cluster sends the probe; its success closes the breaker everywhere. Each transition
// is told (circuit system events, logs) by one node only. The nodes share one manual clock, as
// nodes with synchronised clocks would.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/core/index.js';
import { createEvent, eventSize, serializeEvent } from '../../src/events/index.js';
import { CatalogView, type AppendItem, type TargetKey } from '../../src/store/index.js';
import { Dispatcher, type BreakerState, type DeliveryObserver } from '../../src/delivery/index.js';
import type { DispatcherOptions } from '../../src/delivery/engine/index.js';
import { createTarget } from '../../src/delivery/targets/index.js';
import { receiver, settle, until, T0, type Receiver } from '../../src/delivery/engine/engine-world.contract.js';
import { testWorld, type TestWorld } from '../../src/delivery/targets/test-deps.contract.js';
import type { ClusterStore } from '../../src/store/cluster/cluster-store.js';
import { dropNamespace, isolatedNames, openTestStore, testStoreOptions } from '../../src/store/cluster/cluster-store.fixture.js';

const key: TargetKey = { bus: 'default', rule: 'r1', target: 'hook' };
const OPEN_MS = 10_000;
const options: DispatcherOptions = {
  // The tick only looks for work the manual clock made due; it never decides timing here.
  pollIntervalMs: 10, leaseMs: 60_000, defaultConcurrency: 1, disableAfterMs: 3 * 86_400_000,
  breakerFailureThreshold: 1000, breakerOpenMs: 30_000, keepDeliveredMs: 86_400_000, shutdownGraceMs: 0,
};

interface Node {
  readonly name: string;
  readonly store: ClusterStore;
  readonly rules: CatalogView;
  /** Circuit changes this node told (what its telemetry would log and put as system events). */
  readonly told: BreakerState['type'][];
  /** The states this node's gauge followed (whoever changed the breaker). */
  readonly seen: BreakerState['type'][];
  dispatcher: Dispatcher | undefined;
}

const clock = new ManualClock(T0);
const ns = isolatedNames('brk');
const nodes: Node[] = [];
let world: TestWorld;
let rx: Receiver;

const observer = (n: Node): DeliveryObserver => ({
  onAttempt: () => undefined, onDelivered: () => undefined, onDeadLetter: () => undefined, onDisabled: () => undefined,
  onBreaker: (_k, s) => void n.told.push(s.type),
  onBreakerState: (_k, s) => void n.seen.push(s.type),
});

async function startDispatcher(n: Node): Promise<void> {
  const d = new Dispatcher({
    store: n.store, rules: n.rules, clock, options, random: () => 0.5, observer: observer(n),
    createTarget: (spec) => createTarget(spec, world.deps()),
    log: { warn: () => undefined, error: (obj, msg) => assert.fail(`${n.name}: ${msg}: ${String((obj as { err?: unknown }).err)}`) },
  });
  await d.start();
  n.dispatcher = d;
}

async function stopDispatcher(n: Node): Promise<void> {
  await n.dispatcher?.stop();
  n.dispatcher = undefined;
}

async function put(through: Node, ids: readonly string[]): Promise<void> {
  const items: AppendItem[] = ids.map((id) => {
    const ev = createEvent({ id, source: 'urn:test', type: 'test.breaker', data: { kind: 'json', value: { id } } });
    return {
      bus: key.bus, id, source: ev.source, type: ev.type, subject: undefined, time: undefined, body: serializeEvent(ev), size: eventSize(ev),
      mode: 'structured', matchedRules: [key.rule], deliveries: [{ rule: key.rule, target: key.target, group: null }],
    };
  });
  for (const o of await through.store.events.append(items)) assert.equal(o.type, 'stored');
}

/** The breaker as a node's API shows it (GET …/targets). */
async function breakerOn(n: Node): Promise<BreakerState> {
  if (n.dispatcher === undefined) throw new Error(`${n.name} has no dispatcher`);
  const [s] = (await n.dispatcher.targets(key.bus, key.rule))!;
  return s!.breaker;
}

/** Waits until every node's dispatcher shows `pred` of the breaker. */
async function everywhere(what: string, pred: (b: BreakerState) => boolean): Promise<void> {
  await until(async () => {
    for (const n of nodes) if (n.dispatcher !== undefined && !pred(await breakerOn(n))) return false;
    return true;
  }, what);
}

/** Real time for every node's pump to run several times (10 ms ticks): long enough for a send that would happen. */
const ticks = (): Promise<void> => new Promise((r) => setTimeout(r, 300));

before(async () => {
  // Requests 1–3 fail; 4 (the probe) is held for the test to answer; the rest succeed.
  rx = await receiver((q) => (q.n <= 3 ? { status: 503 } : q.n === 4 ? 'hold' : { status: 204 }));
  world = testWorld({ clock, allowPrivateNetworks: true });
  const opts = testStoreOptions(ns, clock);
  for (const name of ['a', 'b', 'c']) {
    const store = await openTestStore(opts);
    nodes.push({ name, store, rules: await CatalogView.open(store.catalog), told: [], seen: [], dispatcher: undefined });
  }
});

after(async () => {
  for (const n of nodes) await stopDispatcher(n).catch(() => undefined);
  for (const n of nodes) await n.store.close().catch(() => undefined);
  rx?.close();
  await world?.close();
  await dropNamespace(ns);
});

test('three nodes - failures on different nodes open one breaker everywhere; one probe across the cluster closes it', { timeout: 120_000 }, async () => {
  const [a, b, c] = nodes as [Node, Node, Node];
  await a.store.catalog.rules.put({
    bus: key.bus, name: key.rule, description: null, state: 'enabled', filter: {},
    targets: [{ id: key.target, kind: 'http', url: rx.url, concurrency: 1, circuitBreaker: { failureThreshold: 3, openMs: OPEN_MS } }],
  });
  await until(() => nodes.every((n) => n.rules.rule(key.bus, key.rule) !== undefined), 'the rule on every node');

  // One failed attempt per node, each node delivering alone: a (e1), then b (e1's first retry, due
  // at +500 ms), then c (its second retry, due 1 s later). Only the third opens the breaker.
  await put(a, ['e1']);
  await startDispatcher(a);
  await rx.waitFor(1);
  await until(async () => (await breakerOn(a) as { consecutiveFailures?: number }).consecutiveFailures === 1, 'a counted 1');
  await stopDispatcher(a);
  await startDispatcher(b);
  clock.advance(500);
  await rx.waitFor(2);
  await until(async () => (await breakerOn(b) as { consecutiveFailures?: number }).consecutiveFailures === 2, 'b counted 2: a\'s failure and its own');
  await stopDispatcher(b);
  await startDispatcher(c);
  clock.advance(1000);
  await rx.waitFor(3);
  const openedAt = clock.now();
  await until(async () => (await breakerOn(c)).type === 'open', 'c opened it on its first failure: the third in the cluster');
  assert.deepEqual(await breakerOn(c), { type: 'open', until: openedAt + OPEN_MS });

  // Every node delivers from now on; all see it open, and none sends though work is due.
  await startDispatcher(a);
  await startDispatcher(b);
  await everywhere('open on every node', (s) => s.type === 'open' && s.until === openedAt + OPEN_MS);
  await put(b, ['e2', 'e3']);
  await put(c, ['e4']);
  clock.advance(OPEN_MS / 2);
  await ticks();
  assert.equal(rx.got.length, 3, 'nothing is sent while the breaker is open, from any node');

  // Half-open: every node's worker asks for the probe; one gets it.
  clock.advance(OPEN_MS / 2);
  await rx.waitFor(4);
  await ticks();
  await settle(20);
  assert.equal(rx.got.length, 4, 'exactly one probe across the three nodes');
  assert.equal(rx.open(), 1);
  rx.got[3]!.answer(204);
  await everywhere('closed on every node', (s) => s.type === 'closed' && s.consecutiveFailures === 0);
  await until(async () => {
    const q = await a.store.deliveries.counts(key);
    return q.pending === 0 && q.inFlight === 0;
  }, 'every delivery done');
  assert.deepEqual(new Set(rx.got.slice(3).map((g) => g.ceId)), new Set(['e1', 'e2', 'e3', 'e4']), 'the rest delivered once the breaker closed');

  // Each transition told once in the cluster (circuit system events are put by the node told).
  const told = nodes.flatMap((n) => n.told.map((t) => `${n.name}:${t}`));
  assert.deepEqual(told.filter((t) => t.endsWith(':open')), ['c:open']);
  assert.equal(told.filter((t) => t.endsWith(':half-open')).length, 1, told.join(' '));
  assert.equal(told.filter((t) => t.endsWith(':closed')).length, 1, told.join(' '));
  // Every node's gauge followed the breaker, whichever node changed it.
  for (const n of nodes) {
    assert.ok(n.seen.includes('open'), `${n.name} saw it open: ${n.seen.join(' ')}`);
    assert.equal(n.seen.at(-1), 'closed', `${n.name} saw it closed: ${n.seen.join(' ')}`);
  }
});
