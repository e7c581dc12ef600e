// TestEventPattern through the real @aws-sdk/client-eventbridge agrees with POST /v1/patterns/test
// on every event-pattern conformance case (data/event-patterns): the same match, or an error from both.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { EventBridgeClient, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { startTestServer, type TestServer } from '../e2e/harness.js';

interface MatchCase { id: string; pattern_text?: string; pattern?: unknown; event_text?: string; event?: unknown }

const dir = new URL('data/event-patterns/', import.meta.url);
const load = (file: string): MatchCase[] => readFileSync(new URL(file, dir), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as MatchCase);

let t: TestServer;
let eb: EventBridgeClient;
before(async () => {
  t = await startTestServer();
  eb = new EventBridgeClient({ endpoint: t.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIAUNUSEDONLOOPBACK', secretAccessKey: 'unused-on-loopback-0001' }, maxAttempts: 1 });
});
after(async () => {
  eb.destroy();
  await t.close();
});

async function viaAws(patternText: string, eventText: string): Promise<boolean | 'error'> {
  try {
    return (await eb.send(new TestEventPatternCommand({ EventPattern: patternText, Event: eventText }))).Result ?? 'error';
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    assert.ok(status !== undefined && status >= 400 && status < 500, `a 4xx, not ${String(status)}: ${String(e)}`);
    return 'error';
  }
}

async function viaRest(patternText: string, eventText: string): Promise<boolean | 'error'> {
  const res = await fetch(`${t.url}/v1/patterns/test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ patternText, eventText }) });
  if (res.status >= 400 && res.status < 500) return 'error';
  assert.equal(res.status, 200);
  return ((await res.json()) as { match: boolean }).match;
}

for (const file of ['pattern-cases.jsonl', 'eventbridge-aws-validated-cases.jsonl', 'ruler-correctness-cases-with-results.jsonl']) {
  describe(`aws TestEventPattern agrees with /v1/patterns/test - ${file}`, () => {
    it('every case', async () => {
      const seen = new Set<boolean | 'error'>();
      for (const c of load(file)) {
        const patternText = c.pattern_text ?? JSON.stringify(c.pattern);
        const eventText = c.event_text ?? JSON.stringify(c.event);
        const aws = await viaAws(patternText, eventText);
        assert.equal(aws, await viaRest(patternText, eventText), c.id);
        seen.add(aws);
      }
      // The cases tell matches from non-matches: both answers occur.
      assert.ok(seen.has(true) && seen.has(false), [...seen].join(','));
    });
  });
}
