import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEvent } from '../events/index.js';
import type { OutboundMessage, SendOutcome, Target } from './target.js';

/**
 * The behaviour every target kind shares. A kind runs it with a harness that can build a
 * healthy target (whose destination records what arrived) and a failing one (whose
 * destination refuses or is unreachable). Later kinds (nats, mqtt, amqp, redis, postgres)
 * plug in the same way.
 */
export interface TargetContractHarness {
  /** The kind under test (e.g. 'http'). */
  readonly kind: string;
  /** A target whose destination accepts deliveries. */
  healthy(): Promise<Target>;
  /** A target whose destination fails every delivery. */
  failing(): Promise<Target>;
  /** Event ids the healthy destination has received so far, in arrival order. */
  received(): Promise<readonly string[]>;
  /** Releases servers, files, connections. */
  cleanup(): Promise<void>;
}

let seq = 0;

/** A test message carrying a fresh JSON event. */
export function contractMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  seq += 1;
  const id = `evt-${process.pid}-${seq}`;
  return {
    deliveryId: `dlv-${seq}`, attempt: 1, bus: 'default', rule: 'r1', targetId: 't1', eventId: id,
    outbound: { type: 'event', event: createEvent({ id, source: 'urn:test', type: 'test.contract', data: { kind: 'json', value: { n: seq } } }) },
    ...overrides,
  };
}

const never = (): AbortSignal => new AbortController().signal;

function assertOutcomeShape(o: SendOutcome): void {
  assert.ok(o.type === 'delivered' || o.type === 'failed', 'outcome is delivered or failed');
  assert.ok(Number.isFinite(o.durationMs) && o.durationMs >= 0, 'durationMs is a finite non-negative number');
  if (o.type === 'failed') {
    assert.ok(['http', 'timeout', 'network', 'blocked', 'io', 'rejected', 'config'].includes(o.errorClass), `known error class ${o.errorClass}`);
    assert.ok(o.message.length > 0, 'a failure has a message');
    if (o.response !== undefined) assert.ok(Buffer.byteLength(o.response) <= 1024, 'response excerpt ≤ 1 KiB');
  }
}

/** Registers the shared contract tests for one kind. */
export function runTargetContract(h: TargetContractHarness): void {
  const name = (s: string): string => `target contract (${h.kind}) - ${s}`;

  test(name('a message reaches the destination and the outcome is delivered'), async () => {
    const t = await h.healthy();
    try {
      assert.equal(t.kind, h.kind);
      const m = contractMessage();
      const o = await t.send([m], never());
      assertOutcomeShape(o);
      assert.equal(o.type, 'delivered', JSON.stringify(o));
      assert.ok((await h.received()).includes(m.eventId));
    } finally {
      await t.close();
    }
  });

  test(name('several messages in one send are one outcome and all arrive in order'), async () => {
    const t = await h.healthy();
    try {
      const ms = [contractMessage(), contractMessage(), contractMessage()];
      const o = await t.send(ms, never());
      assert.equal(o.type, 'delivered', JSON.stringify(o));
      const got = await h.received();
      const idx = ms.map((m) => got.indexOf(m.eventId));
      assert.ok(idx.every((i) => i >= 0), 'every event arrived');
      assert.deepEqual([...idx].sort((a, b) => a - b), idx, 'in order');
    } finally {
      await t.close();
    }
  });

  test(name('a failing destination gives a failed outcome, never a rejection'), async () => {
    const t = await h.failing();
    try {
      const o = await t.send([contractMessage()], never());
      assertOutcomeShape(o);
      assert.equal(o.type, 'failed');
    } finally {
      await t.close();
    }
  });

  test(name('an aborted signal resolves promptly without throwing'), async () => {
    const t = await h.healthy();
    try {
      const ac = new AbortController();
      ac.abort();
      const o = await t.send([contractMessage()], ac.signal);
      assertOutcomeShape(o);
    } finally {
      await t.close();
    }
  });

  test(name('close is idempotent and a send after close fails without throwing'), async () => {
    const t = await h.healthy();
    await t.close();
    await t.close();
    const o = await t.send([contractMessage()], never());
    assertOutcomeShape(o);
    assert.equal(o.type, 'failed');
  });

  test(name('concurrent sends each get their own outcome'), async () => {
    const t = await h.healthy();
    try {
      const ms = Array.from({ length: 20 }, () => contractMessage());
      const os = await Promise.all(ms.map((m) => t.send([m], never())));
      for (const o of os) assert.equal(o.type, 'delivered', JSON.stringify(o));
      const got = new Set(await h.received());
      for (const m of ms) assert.ok(got.has(m.eventId));
    } finally {
      await t.close();
    }
  });

  test(name('cleanup'), async () => {
    await h.cleanup();
  });
}
