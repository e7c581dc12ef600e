import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SwitchyardMetrics } from './metrics.js';

interface Documented { readonly type: string; readonly labels: readonly string[] }

/** The rows of every metric table in docs/metrics.md: name → type and labels. */
function documented(): Map<string, Documented> {
  const text = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
  const out = new Map<string, Documented>();
  for (const line of text.split('\n')) {
    const m = /^\| `(switchyard_[a-z_]+)` \| (\w+) \| ([^|]*) \|/.exec(line);
    if (m === null) continue;
    assert.ok(!out.has(m[1]!), `${m[1]} is listed twice`);
    const labels = m[3]!.trim() === '—' ? [] : [...m[3]!.matchAll(/`([a-z_]+)`/g)].map((x) => x[1]!);
    out.set(m[1]!, { type: m[2]!, labels });
  }
  return out;
}

test('metrics - docs/metrics.md lists every registered metric with its type and labels, and nothing else', async () => {
  const metrics = new SwitchyardMetrics({ storeSizeBytes: () => 0, processMetrics: true, now: () => 0 });
  const registered = await metrics.registry.getMetricsAsJSON();
  const docs = documented();
  const own = registered.filter((m) => m.name.startsWith('switchyard_'));
  for (const m of own) {
    const d = docs.get(m.name);
    assert.ok(d !== undefined, `${m.name} is registered but not in docs/metrics.md`);
    assert.equal(d.type, m.type, `type of ${m.name}`);
    const labels = (metrics.registry.getSingleMetric(m.name) as unknown as { labelNames: string[] }).labelNames;
    assert.deepEqual([...d.labels].sort(), [...labels].sort(), `labels of ${m.name}`);
  }
  for (const name of docs.keys()) assert.ok(own.some((m) => m.name === name), `${name} is documented but not registered`);
  // Everything else comes from prom-client's defaults, documented as the process_/nodejs_ group.
  for (const m of registered) assert.ok(/^(switchyard|process|nodejs)_/.test(m.name), `${m.name} is not covered by docs/metrics.md`);
});

test('metrics - two registries do not share counters (two servers in one process)', async () => {
  const a = new SwitchyardMetrics({ storeSizeBytes: () => 0, processMetrics: false, now: () => 0 });
  const b = new SwitchyardMetrics({ storeSizeBytes: () => 0, processMetrics: false, now: () => 0 });
  a.deadLettered({ bus: 'x', rule: 'r', target: 't' }, 3);
  assert.match(await a.scrape(), /switchyard_dead_letters_total\{bus="x",rule="r",target="t"\} 3/);
  assert.doesNotMatch(await b.scrape(), /switchyard_dead_letters_total\{/);
});

test('metrics - backlog gauges read the source at scrape time; age is measured from the injected clock', async () => {
  let now = 10_000;
  const m = new SwitchyardMetrics({ storeSizeBytes: () => 4096, processMetrics: false, now: () => now });
  let rows = [{ bus: 'b', rule: 'r', target: 't', pending: 7, oldestPendingAt: 4_000 }];
  m.setBacklogSource(() => rows);
  let text = await m.scrape();
  assert.match(text, /switchyard_deliveries_pending\{bus="b",rule="r",target="t"\} 7/);
  assert.match(text, /switchyard_delivery_oldest_pending_age_seconds\{bus="b",rule="r",target="t"\} 6\n/);
  assert.match(text, /switchyard_store_size_bytes 4096/);
  rows = [];
  now = 20_000;
  text = await m.scrape();
  assert.doesNotMatch(text, /switchyard_deliveries_pending\{/, 'a drained target disappears');
});
