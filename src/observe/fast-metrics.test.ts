import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Histogram, Registry } from 'prom-client';
import { FastCounter, FastHistogram } from './fast-metrics.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];

test('fast-metrics - counters and histograms expose the same text as prom-client\'s own for the same updates', async () => {
  const ours = new Registry();
  const theirs = new Registry();
  const c1 = new FastCounter({ name: 'x_total', help: 'Some "count"\nwith a line break.', labelNames: ['bus', 'mode'], registers: [ours] });
  const c2 = new Counter({ name: 'x_total', help: 'Some "count"\nwith a line break.', labelNames: ['bus', 'mode'], registers: [theirs] });
  const h1 = new FastHistogram({ name: 'lat_seconds', help: 'Latency.', labelNames: ['route'], buckets: BUCKETS, registers: [ours] });
  const h2 = new Histogram({ name: 'lat_seconds', help: 'Latency.', labelNames: ['route'], buckets: BUCKETS, registers: [theirs] });
  const n1 = new FastHistogram({ name: 'plain_seconds', help: 'No labels.', buckets: BUCKETS, registers: [ours] });
  const n2 = new Histogram({ name: 'plain_seconds', help: 'No labels.', buckets: BUCKETS, registers: [theirs] });
  for (const [bus, mode, n] of [['a', 'binary', 1], ['b"\\\n', 'batch', 3], ['a', 'binary', 2], ['a', 'structured', 1]] as const) {
    c1.inc({ bus, mode }, n);
    c2.inc({ bus, mode }, n);
  }
  for (const v of [0, 0.0005, 0.001, 0.0011, 0.05, 0.1, 2, 1e9]) {
    for (const route of ['http', 'put-events']) {
      h1.observe({ route }, v);
      h2.observe({ route }, v);
    }
    n1.observe(undefined, v);
    n2.observe(v);
  }
  assert.equal(await ours.metrics(), await theirs.metrics());
  const shape = (j: readonly { name: string; help: string; type: unknown }[]): string[] => j.map((m) => `${m.name} ${String(m.type)} ${m.help}`);
  assert.deepEqual(shape(await ours.getMetricsAsJSON()), shape(await theirs.getMetricsAsJSON()));
  assert.equal(c1.value({ bus: 'a', mode: 'binary' }), 3);
  assert.equal(c1.value({ bus: 'nope', mode: 'binary' }), 0, 'reading a series does not make it');
  assert.ok(!(await ours.metrics()).includes('nope'));
});

test('fast-metrics - a non-finite observation is ignored; reset forgets every series; a missing label is empty', async () => {
  const r = new Registry();
  const h = new FastHistogram({ name: 'h_seconds', help: 'h', labelNames: ['a', 'b'], buckets: BUCKETS, registers: [r] });
  h.observe({ a: 'x' }, Number.NaN);
  h.observe({ a: 'x' }, Number.POSITIVE_INFINITY);
  assert.equal(h.get().values.length, 0);
  h.observe({ a: 'x' }, 0.5);
  const count = h.get().values.find((v) => v.metricName === 'h_seconds_count')!;
  assert.deepEqual(count, { labels: { a: 'x', b: '' }, value: 1, metricName: 'h_seconds_count' });
  h.reset();
  assert.equal(h.get().values.length, 0);
});

test('fast-metrics - a bound child updates its series, made on first use, and finds it again after a reset', () => {
  const r = new Registry();
  const c = new FastCounter({ name: 'c_total', help: 'c', labelNames: ['t', 'result'], registers: [r] });
  const h = new FastHistogram({ name: 'h_seconds', help: 'h', labelNames: ['t'], buckets: BUCKETS, registers: [r] });
  const ok = c.child({ t: 'a', result: 'ok' });
  const lat = h.child({ t: 'a' });
  assert.equal(c.get().values.length, 0, 'no series until the first update');
  ok.inc();
  ok.inc(2);
  lat.observe(0.005);
  lat.observe(Number.NaN);
  assert.equal(c.value({ t: 'a', result: 'ok' }), 3);
  assert.equal(h.get().values.find((v) => v.metricName === 'h_seconds_count')!.value, 1);
  c.reset();
  h.reset();
  ok.inc();
  lat.observe(0.5);
  assert.equal(c.value({ t: 'a', result: 'ok' }), 1);
  assert.equal(h.get().values.find((v) => v.metricName === 'h_seconds_count')!.value, 1);
});
