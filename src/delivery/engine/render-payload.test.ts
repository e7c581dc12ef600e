import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEvent, serializeEvent } from '../../events/index.js';
import { renderPayload, type RenderedEvent } from './render-payload.js';
import type { TargetSpec } from './rule-target.js';
import { resolveTargetSpec } from './target-spec.js';

const defaults = { concurrency: 32, breakerFailureThreshold: 5, breakerOpenMs: 30_000 };
const ev = createEvent({ id: 'o-1', source: 'urn:shop', type: 'order.created', extensions: { tenant: 'acme' }, data: { kind: 'json', value: { order: { id: 42, total: 9.5 } } } });
const body = serializeEvent(ev);
const e: RenderedEvent = { bus: 'default', id: 'o-1', receivedAt: Date.UTC(2026, 0, 1), body };
const ctx = { rule: 'r1' };
const spec = (t: Partial<TargetSpec> = {}): ReturnType<typeof resolveTargetSpec> => resolveTargetSpec({ id: 't1', kind: 'http', url: 'https://x.example', ...t } as TargetSpec, 't1', defaults);

test('renderPayload - without a transformer the stored event goes as is and is the dead-letter payload', () => {
  const p = renderPayload(spec(), e, ctx);
  assert.equal(p.payload, body);
  assert.equal(p.outbound.type, 'event');
  assert.deepEqual(p.outbound.type === 'event' && p.outbound.event, ev);
});

test('renderPayload - with a transformer and sendAs data, the output becomes the data of the same event', () => {
  const p = renderPayload(spec({ transform: { type: 'template', variables: { id: '$.data.order.id' }, template: '{"orderId": ${id}}' } }), e, ctx);
  assert.equal(p.outbound.type, 'event');
  const out = p.outbound.type === 'event' ? p.outbound.event : undefined;
  assert.equal(out?.id, 'o-1');
  assert.equal(out?.extensions.tenant, 'acme');
  assert.deepEqual(out?.data.kind === 'json' && out.data.value, { orderId: 42 });
  assert.match(p.payload, /"orderId": ?42/);
});

test('renderPayload - with sendAs body, the transformer output is the raw body', () => {
  const p = renderPayload(spec({ sendAs: 'body', transform: { type: 'partial', path: '$.data.order' } }), e, ctx);
  assert.equal(p.outbound.type, 'raw');
  assert.deepEqual(p.outbound.type === 'raw' && JSON.parse(p.outbound.body), { id: 42, total: 9.5 });
  assert.equal(p.payload, p.outbound.type === 'raw' ? p.outbound.body : '');
});

test('renderPayload - a traceparent is added as an extension unless the event has one', () => {
  const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const p = renderPayload(spec(), e, { rule: 'r1', traceparent: tp });
  assert.equal(p.outbound.type === 'event' && p.outbound.event.extensions.traceparent, tp);
  assert.equal(p.payload, body, 'the stored payload is the event as put');
  const own = serializeEvent(createEvent({ id: 'o-2', source: 's', type: 't', extensions: { traceparent: '00-11111111111111111111111111111111-2222222222222222-01' } }));
  const q = renderPayload(spec(), { ...e, body: own }, { rule: 'r1', traceparent: tp });
  assert.equal(q.outbound.type === 'event' && q.outbound.event.extensions.traceparent, '00-11111111111111111111111111111111-2222222222222222-01');
});

test('renderPayload - a corrupt stored event throws (the worker dead-letters it without sending)', () => {
  assert.throws(() => renderPayload(spec(), { ...e, body: '{"id":' }, ctx));
});
