// Knative Eventing filters (docs/patterns.md, "Knative"): a Trigger's legacy `filter.attributes`
// as the rule filter `{ "attributes": … }` and `cesql` as an alias of the Subscriptions `sql`
// dialect. Each case of data/knative/filter-cases.jsonl runs through the matcher (parsed and raw
// text), testPattern and the rule route; all must agree with the recorded expectation, which
// follows the Knative Eventing spec (PROVENANCE.md).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { isSwitchyardError } from '../../src/core/index.js';
import { RuleMatcher, testPattern } from '../../src/rules/index.js';
import { startTestServer, type TestServer } from '../e2e/harness.js';

interface Case { id: string; filter: unknown; event: Record<string, unknown>; match: boolean | 'error' }

const cases = readFileSync(new URL('data/knative/filter-cases.jsonl', import.meta.url), 'utf8')
  .split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Case);

describe('knative filters - matcher and testPattern', () => {
  for (const c of cases) {
    it(c.id, () => {
      const m = new RuleMatcher();
      if (c.match === 'error') {
        assert.throws(() => m.add('r', c.filter), (e) => isSwitchyardError(e) && e.status === 400 && e.violations.length > 0);
        return;
      }
      m.add('r', c.filter);
      assert.deepEqual(m.match(c.event), c.match ? ['r'] : [], 'parsed');
      assert.deepEqual(m.matchText(JSON.stringify(c.event)), c.match ? ['r'] : [], 'raw text');
      assert.equal(testPattern(c.filter, { event: c.event }).match, c.match, 'testPattern');
    });
  }
});

describe('knative filters - the rule route accepts and refuses them alike', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });
  it('every case', async () => {
    for (const c of cases) {
      const res = await fetch(`${t.url}/v1/buses/default/rules/k`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filter: c.filter }) });
      const body = await res.json() as { code?: string; filter?: unknown };
      if (c.match === 'error') {
        assert.equal(res.status, 400, c.id);
        assert.match(String(body.code), /^SWY_RULES_/, c.id);
      } else {
        assert.ok(res.status === 200 || res.status === 201, `${c.id}: ${res.status}`);
        assert.deepEqual(body.filter, c.filter, c.id);
      }
    }
  });
});
