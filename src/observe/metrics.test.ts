import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppendItem, AppendOutcome } from '../store/index.js';
import { SwitchyardMetrics } from './metrics.js';

function item(bus: string, mode: AppendItem['mode'], matchedRules: string[] = []): AppendItem {
  return { bus, id: 'x', source: 's', type: 't', subject: undefined, time: undefined, body: '{}', size: 2, mode, matchedRules };
}

/** The sample lines of one metric family in the exposition text. */
async function samples(m: SwitchyardMetrics, name: string): Promise<string[]> {
  return (await m.registry.metrics()).split('\n').filter((l) => l.startsWith(`${name}{`)).sort();
}

test('metrics - appended counts stored events per bus and mode, unmatched and matches per rule, duplicates and rejections, across mixed entries', async () => {
  const m = new SwitchyardMetrics({ storeSizeBytes: () => 0, processMetrics: false, now: () => 0 });
  const stored: AppendOutcome = { type: 'stored', sequence: 1, receivedAt: 0 };
  const items = [
    item('a', 'batch'), item('a', 'batch', ['r1']), item('b', 'put-events'), item('a', 'batch'), item('a', 'batch'), item('a', 'binary', ['r1', 'r2']), item('a', 'batch'),
  ];
  const outcomes: AppendOutcome[] = [
    stored, stored, stored, { type: 'duplicate', sequence: 1, receivedAt: 0 }, stored, stored,
    { type: 'rejected', code: 'SWY_STORE_BUS_NOT_FOUND', message: 'no bus' },
  ];
  m.appended(items, outcomes, performance.now());
  m.appended([item('a', 'batch')], [stored], performance.now());
  assert.deepEqual(await samples(m, 'switchyard_events_received_total'), [
    'switchyard_events_received_total{bus="a",mode="batch"} 4',
    'switchyard_events_received_total{bus="a",mode="binary"} 1',
    'switchyard_events_received_total{bus="b",mode="put-events"} 1',
  ]);
  assert.deepEqual(await samples(m, 'switchyard_events_unmatched_total'), [
    'switchyard_events_unmatched_total{bus="a"} 3',
    'switchyard_events_unmatched_total{bus="b"} 1',
  ]);
  assert.deepEqual(await samples(m, 'switchyard_rule_matches_total'), [
    'switchyard_rule_matches_total{bus="a",rule="r1"} 2',
    'switchyard_rule_matches_total{bus="a",rule="r2"} 1',
  ]);
  assert.deepEqual(await samples(m, 'switchyard_events_duplicate_total'), ['switchyard_events_duplicate_total{bus="a"} 1']);
  assert.equal((await samples(m, 'switchyard_events_rejected_total')).length, 1);
});

test('metrics - a scrape reads the delivery backlog once and both backlog gauges show it', async () => {
  let now = 10_000;
  const m = new SwitchyardMetrics({ storeSizeBytes: () => 0, processMetrics: false, now: () => now });
  let reads = 0;
  let rows = [{ bus: 'a', rule: 'r', target: 't', pending: 3, oldestPendingAt: 4_000 }];
  m.setBacklogSource(() => {
    reads++;
    return rows;
  });
  const text = await m.scrape();
  assert.equal(reads, 1);
  assert.match(text, /^switchyard_deliveries_pending\{bus="a",rule="r",target="t"\} 3$/m);
  assert.match(text, /^switchyard_delivery_oldest_pending_age_seconds\{bus="a",rule="r",target="t"\} 6$/m);
  // The next scrape reads it again: nothing is kept between scrapes.
  rows = [];
  now = 20_000;
  const after = await m.scrape();
  assert.equal(reads, 2);
  assert.doesNotMatch(after, /^switchyard_deliveries_pending\{/m);
});
