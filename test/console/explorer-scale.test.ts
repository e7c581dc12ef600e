// The event explorer with 100,000 stored events: the server pages (50 per request, by cursor),
// the browser never holds more than a page, and the last page is reached by filters, not by
// loading the bus.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BATCH } from '../e2e/_client.js';
import { startTestServer, type TestServer } from '../e2e/harness.js';
import { launch, type Browser } from './_browser.js';

const TOTAL = 100_000;
const PER_BATCH = 500;
let t: TestServer;
let browser: Browser;

before(async () => {
  t = await startTestServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

/** Puts TOTAL events in batch mode, a few batches in flight; every one must be stored. */
async function fill(): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < TOTAL) {
      const start = next;
      next += PER_BATCH;
      const batch = Array.from({ length: PER_BATCH }, (_, j) => {
        const i = start + j;
        return { specversion: '1.0', id: `scale-${i}`, source: '/scale', type: `scale.t${i % 10}`, data: { i } };
      });
      const res = await fetch(`${t.url}/v1/buses/default/events`, { method: 'POST', headers: { 'content-type': BATCH }, body: JSON.stringify(batch) });
      assert.equal(res.status, 202, await res.text());
      await res.arrayBuffer().catch(() => undefined);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

test('console - the explorer over 100,000 stored events asks the server for pages of 50 and shows one page at a time', { timeout: 300_000 }, async () => {
  await fill();
  const page = await browser.page(t.url);
  const asked: { limit: string | null; bytes: number }[] = [];
  page.on('response', async (r) => {
    if (!r.url().includes('/v1/buses/default/events?')) return;
    asked.push({ limit: new URL(r.url()).searchParams.get('limit'), bytes: (await r.body().catch(() => Buffer.alloc(0))).length });
  });
  const rows = page.getByRole('table', { name: 'Events' }).locator('tbody tr');
  await page.goto(`${t.url}/console/events`);
  await page.getByRole('link', { name: 'scale-0', exact: true }).waitFor({ timeout: 60_000 });
  assert.equal(await rows.count(), 50);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('link', { name: 'scale-50', exact: true }).waitFor({ timeout: 60_000 });
  assert.equal(await rows.count(), 50, 'one page at a time, never an accumulated list');
  // A filter narrows on the server: the last events of one type are reached without the rest.
  await page.goto(`${t.url}/console/events?type=scale.t9`);
  await page.getByRole('link', { name: 'scale-9', exact: true }).waitFor({ timeout: 60_000 });
  assert.equal(await rows.count(), 50);
  assert.ok(asked.length >= 3, `requests: ${asked.length}`);
  for (const a of asked) {
    assert.equal(a.limit, '50');
    assert.ok(a.bytes < 256 * 1024, `a page of 50 is small (${a.bytes} bytes), not the bus`);
  }
  await page.close();
});
