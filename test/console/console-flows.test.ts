// The console's flows in a real browser against a real server and a real HTTP receiver:
// explorer → trace, rule editor with its live tester → delivery, dead letter → redrive, live
// tail, schemas, overview; axe-core on every page; screenshots for docs/console.md.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { call, ce, until } from '../e2e/_client.js';
import { startTestServer, type TestServer } from '../e2e/harness.js';
import { putEvents, putRule, startReceiver, untilFinal, type Receiver } from '../e2e/_delivery-receiver.js';
import { assertAccessible, assertNoHorizontalScroll, launch, screenshot, type Browser } from './_browser.js';

let t: TestServer;
let browser: Browser;
let rx: Receiver;
let failing = false;

before(async () => {
  t = await startTestServer({ delivery: { pollIntervalMs: 50 } });
  rx = await startReceiver(() => (failing ? { status: 500, body: 'receiver down' } : { status: 200 }));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await rx?.close();
  await t?.close();
});

const open = async (path: string, viewport?: { width: number; height: number }): Promise<Page> => {
  const page = await browser.page(t.url, viewport);
  await page.goto(`${t.url}${path}`);
  return page;
};

test('console - explorer: a put event is found by its filters and its trace opens as a timeline', { timeout: 60_000 }, async () => {
  await putEvents(t.url, 'default', [
    ce('ev-explore-1', { type: 'order.created', source: 'urn:shop', subject: 'order-1', datacontenttype: 'application/json', data: { total: 42, note: 'blue widget' } }),
    ce('ev-explore-2', { type: 'order.shipped', source: 'urn:shop', subject: 'order-2', data: { total: 7 } }),
  ]);
  const page = await open('/console/events');
  await page.getByRole('cell', { name: 'ev-explore-2' }).waitFor();
  await page.getByLabel('Type').fill('order.created');
  await page.getByLabel('Full text').fill('widget');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/type=order\.created/);
  // The unfiltered page listed ev-explore-1 too: wait for the filtered answer to replace it.
  await page.getByRole('cell', { name: 'ev-explore-2' }).waitFor({ state: 'detached' });
  await page.getByRole('link', { name: 'ev-explore-1' }).waitFor();
  assert.equal(await page.getByRole('cell', { name: 'ev-explore-2' }).count(), 0, 'the filter left ev-explore-2 out');
  await assertAccessible(page, 'events');
  await screenshot(page, 'events');
  await page.getByRole('link', { name: 'ev-explore-1' }).click();
  await page.getByRole('heading', { name: 'Event ev-explore-1' }).waitFor();
  const timeline = page.getByRole('list', { name: 'Trace timeline' });
  await timeline.getByText(/Received \(batch mode, \d+ bytes\)/).waitFor();
  await timeline.getByText('No rule matched').waitFor();
  await page.getByText('no-rule-matched').first().waitFor();
  assert.match(await page.getByLabel('Event data').textContent() ?? '', /"note": "blue widget"/);
  await page.getByRole('button', { name: 'Byte-exact' }).click();
  assert.match(await page.getByLabel('Stored event, byte-exact').textContent() ?? '', /"total":42/);
  await assertAccessible(page, 'event');
  await page.close();
});

test('console - a non-JSON event: its data shown as sent, byte for byte', { timeout: 60_000 }, async () => {
  const body = 'line one <b>not html</b>\n  indented & "quoted" \u00e9';
  const put = await call(t.url, '/v1/buses/default/events', { body, headers: { 'content-type': 'text/plain; charset=utf-8', 'ce-specversion': '1.0', 'ce-id': 'ev-text-1', 'ce-source': 'urn:text', 'ce-type': 'text.note' } });
  assert.equal(put.status, 202, put.text);
  const page = await open('/console/events/default/ev-text-1');
  const data = page.getByLabel('Data as sent');
  await data.waitFor();
  assert.equal(await data.textContent(), body);
  assert.equal(await page.locator('b').count(), 0, 'markup in the data is text, never rendered');
  await page.close();
});

test('console - explorer pages through the server: pages of 50 by cursor, never a whole bus', { timeout: 60_000 }, async () => {
  await putEvents(t.url, 'default', Array.from({ length: 120 }, (_, i) => ce(`bulk-${i}`, { type: 'bulk.page', data: { i } })));
  const page = await open('/console/events?type=bulk.page');
  const asked: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/v1/buses/default/events?')) asked.push(new URL(r.url()).searchParams.get('limit') ?? 'none');
  });
  const ids = async (): Promise<string[]> => page.getByRole('table', { name: 'Events' }).locator('tbody tr td:nth-child(6)').allTextContents();
  await page.getByRole('link', { name: 'bulk-0', exact: true }).waitFor();
  assert.equal((await ids()).length, 50);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('link', { name: 'bulk-50', exact: true }).waitFor();
  assert.deepEqual(await ids(), Array.from({ length: 50 }, (_, i) => `bulk-${50 + i}`));
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('link', { name: 'bulk-119', exact: true }).waitFor();
  assert.equal((await ids()).length, 20);
  assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true);
  await page.getByRole('button', { name: 'Previous' }).click();
  await page.getByRole('link', { name: 'bulk-50', exact: true }).waitFor();
  assert.ok(asked.length >= 3 && asked.every((l) => l === '50'), `every page asked for 50: ${asked.join(',')}`);
  await page.close();
});

test('console - rule editor: validated as typed, the tester shows match and why not, the saved rule delivers and the trace shows it', { timeout: 60_000 }, async () => {
  const page = await open('/console/rules/edit?bus=default');
  await page.getByLabel('Name').fill('to-receiver');
  const editor = page.getByLabel(/^Rule \(JSON\)/);
  // An invalid filter first: the server's own check answers with the violation.
  await editor.fill(JSON.stringify({ filter: { pattern: { type: 'order.created' } }, targets: [] }, null, 2));
  await page.locator('#rule-check [role=alert]').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Save rule' }).isDisabled(), true);
  await editor.fill('{ "filter": ');
  await page.locator('#rule-check').getByText('JSON syntax').waitFor();
  const rule = { description: 'orders to the receiver', filter: { pattern: { type: ['order.created'], data: { total: [{ numeric: ['>', 10] }] } } }, targets: [{ id: 'rx', kind: 'http', url: `${rx.url}/hook` }] };
  await editor.fill(JSON.stringify(rule, null, 2));
  await page.locator('#rule-check').getByText('The server accepts this rule.').waitFor();
  // The tester: a matching event, then one that does not match, with the reason.
  const event = page.getByLabel('Event (JSON)');
  await event.fill(JSON.stringify(ce('t-1', { type: 'order.created', data: { total: 50 } }), null, 2));
  await page.getByText('The rule matches this event.').waitFor();
  await page.getByRole('heading', { name: /Target rx would receive/ }).waitFor();
  await event.fill(JSON.stringify(ce('t-2', { type: 'order.created', data: { total: 5 } }), null, 2));
  const reason = page.locator('.test-result .reason');
  await reason.waitFor();
  assert.match(await reason.textContent() ?? '', /data\.total.*numeric/);
  // YAML view of the same rule, still valid.
  await page.getByRole('button', { name: 'YAML' }).click();
  await page.locator('#rule-check').getByText('The server accepts this rule.').waitFor();
  assert.match(await page.getByLabel(/^Rule \(YAML\)/).inputValue(), /^filter:/m);
  await assertAccessible(page, 'rule editor');
  await screenshot(page, 'rule-editor', true);
  await page.getByRole('button', { name: 'Save rule' }).click();
  await page.getByText('Saved rule to-receiver.').waitFor();
  const saved = await call<{ filter: unknown }>(t.url, '/v1/buses/default/rules/to-receiver');
  assert.deepEqual(saved.json.filter, rule.filter);

  const before = rx.requests.length;
  await putEvents(t.url, 'default', [ce('ev-rule-1', { type: 'order.created', data: { total: 99 } })]);
  await rx.until('the event delivered to the receiver', (r) => r.length > before && r.some((x) => x.headers['ce-id'] === 'ev-rule-1'));
  await untilFinal(t.url, 'default', 'ev-rule-1', 'delivered');
  await page.goto(`${t.url}/console/events/default/ev-rule-1`);
  await page.getByRole('heading', { name: 'to-receiver → rx' }).waitFor();
  await page.getByRole('list', { name: 'Trace timeline' }).getByText('Delivered to-receiver/rx').waitFor();
  // The rules list shows it; disabling from the console takes effect.
  await page.goto(`${t.url}/console/rules`);
  await page.getByRole('link', { name: 'to-receiver' }).waitFor();
  await assertAccessible(page, 'rules');
  await screenshot(page, 'rules');
  await page.getByRole('button', { name: 'Disable' }).click();
  await page.getByText('disabled', { exact: true }).waitFor();
  assert.equal((await call<{ state: string }>(t.url, '/v1/buses/default/rules/to-receiver')).json.state, 'disabled');
  await page.close();
});

test('console - a failing target dead-letters; once fixed, a redrive from the console delivers', { timeout: 60_000 }, async () => {
  failing = true;
  await putRule(t.url, 'default', 'flaky', {
    filter: { pattern: { type: ['payment.failed'] } },
    targets: [{ id: 'pay', kind: 'http', url: `${rx.url}/pay`, retry: { baseMs: 10, capMs: 20, maxAttempts: 2 }, circuitBreaker: { failureThreshold: 10_000 } }],
  });
  await putEvents(t.url, 'default', [ce('ev-dead-1', { type: 'payment.failed', data: { amount: 3 } })]);
  await untilFinal(t.url, 'default', 'ev-dead-1', 'dead');
  failing = false;
  const page = await open('/console/targets?bus=default&rule=flaky');
  const row = page.getByRole('row').filter({ hasText: 'ev-dead-1' });
  await row.waitFor();
  await page.getByRole('cell', { name: 'pay http' }).waitFor();
  const id = (await row.getByRole('button').textContent())!.trim();
  await row.getByRole('button', { name: id }).click();
  const detail = page.getByLabel(`Dead letter ${id}`);
  await detail.getByRole('table', { name: `Attempts of dead letter ${id}` }).waitFor();
  assert.ok(await detail.getByText('failed').count() >= 2, 'every attempt is listed');
  await assertAccessible(page, 'targets & dead letters');
  await screenshot(page, 'targets', true);
  await detail.getByRole('button', { name: `Redrive ${id}` }).click();
  await page.getByText('Redriven: 1').waitFor();
  await untilFinal(t.url, 'default', 'ev-dead-1', 'delivered');
  assert.ok(rx.requests.some((r) => r.url === '/pay' && r.headers['ce-id'] === 'ev-dead-1'));
  await page.getByRole('button', { name: 'Refresh' }).click();
  await page.getByText('No dead letters.').waitFor();
  // The event's trace: the failed attempts, the dead letter, the redriven delivery, and why the
  // other rule did not match.
  await page.goto(`${t.url}/console/events/default/ev-dead-1`);
  const timeline = page.getByRole('list', { name: 'Trace timeline' });
  await timeline.getByText(/Attempt 1 → flaky\/pay: failed \(HTTP 500\)/).first().waitFor();
  await timeline.getByText('Delivered flaky/pay').waitFor();
  const notMatched = page.getByRole('table', { name: 'Rules that did not match' });
  assert.match(await notMatched.getByRole('row').filter({ hasText: 'to-receiver' }).textContent() ?? '', /disabled.*at data\.total numeric.*got \(missing\)/);
  await assertAccessible(page, 'event trace');
  await screenshot(page, 'event-trace', true);
  await page.close();
});

test('console - live tail: a new event appears; paused events arrive on resume (no loss across the reconnect); the pattern filters', { timeout: 60_000 }, async () => {
  const page = await open('/console/tail?bus=default');
  await page.locator('[data-status=live]').waitFor();
  await putEvents(t.url, 'default', [ce('ev-tail-1', { type: 'tail.test' })]);
  await page.getByRole('link', { name: 'ev-tail-1' }).waitFor();
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.locator('[data-status=paused]').waitFor();
  await putEvents(t.url, 'default', [ce('ev-tail-2', { type: 'tail.test' }), ce('ev-tail-3', { type: 'tail.test' }), ce('ev-tail-4', { type: 'tail.test' })]);
  assert.equal(await page.getByRole('link', { name: 'ev-tail-3' }).count(), 0, 'nothing is shown while paused');
  await page.getByRole('button', { name: 'Resume' }).click();
  for (const id of ['ev-tail-2', 'ev-tail-3', 'ev-tail-4']) await page.getByRole('link', { name: id }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'ev-tail-1' }).count(), 1, 'no event twice');
  await page.getByLabel('Event pattern').fill('{"type":["tail.only"]}');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/pattern=/);
  // The page as the new URL opens it: the stream before Apply may still show "live" for a moment,
  // and an event put then would arrive unfiltered through it.
  await page.reload();
  await page.locator('[data-status=live]').waitFor();
  await putEvents(t.url, 'default', [ce('ev-tail-other', { type: 'tail.test' }), ce('ev-tail-only', { type: 'tail.only' })]);
  await page.getByRole('link', { name: 'ev-tail-only' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'ev-tail-other' }).count(), 0, 'the pattern left it out');
  await assertAccessible(page, 'live tail');
  await screenshot(page, 'tail');
  await page.close();
});

test('console - schemas: versions with their diff, generated TypeScript, the AsyncAPI document and the bus validation', { timeout: 60_000 }, async () => {
  const v1 = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false };
  const v2 = { type: 'object', properties: { id: { type: 'string' }, total: { type: 'number' } }, required: ['id'], additionalProperties: false };
  for (const schema of [v1, v2]) assert.equal((await call(t.url, '/v1/schemas/invoice.issued/versions', { json: { schema } })).status, 201);
  const page = await open('/console/schemas?bus=default');
  await page.getByRole('link', { name: 'invoice.issued' }).click();
  const diff = page.getByLabel('Diff of version 1 and 2');
  await diff.waitFor();
  assert.match(await diff.textContent() ?? '', /\+ {5}"total": \{/);
  await page.getByLabel('Generated TypeScript').waitFor();
  assert.match(await page.getByLabel('Generated TypeScript').textContent() ?? '', /total\?: number/);
  await page.getByText('Show the document').click();
  assert.match(await page.getByLabel('AsyncAPI JSON').textContent() ?? '', /"asyncapi": "3/);
  await page.locator('#validation').selectOption('warn');
  await untilSetting('warn');
  await page.getByLabel('AsyncAPI JSON').getByText(/Schema validation: warn/).waitFor();
  await assertAccessible(page, 'schemas');
  await screenshot(page, 'schemas', true);
  await page.close();
});

async function untilSetting(mode: string): Promise<void> {
  await until(`validation ${mode}`, async () => (await call<{ validation: string }>(t.url, '/v1/buses/default/schema-settings')).json.validation === mode);
}

test('console - overview at 1280 and 390 px, light and dark, keyboard navigation; nothing loaded from elsewhere', { timeout: 60_000 }, async () => {
  // A rule change puts a system event on switchyard.system for the overview to list.
  await putRule(t.url, 'default', 'overview-rule', { filter: { pattern: { type: ['overview'] } } });
  await until('a system event', async () => (await call<{ items: unknown[] }>(t.url, '/v1/buses/switchyard.system/events')).json.items.length > 0);
  const page = await open('/console/');
  const bus = page.getByRole('article', { name: 'Bus default' });
  await bus.getByRole('img', { name: /Events per minute on default/ }).waitFor();
  await bus.getByText('Backlog').waitFor();
  await page.getByRole('region', { name: 'Recent system events' }).getByRole('link').first().waitFor();
  await assertAccessible(page, 'overview');
  await screenshot(page, 'overview');
  // Keyboard: the skip link first, then the pages' links.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Skip to content');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Events');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/console\/events$/);
  await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
  assert.equal(await page.evaluate('document.activeElement?.id'), 'main', 'focus moves to the new page');
  // Dark theme, chosen with the theme button.
  await page.goto(`${t.url}/console/`);
  const theme = page.getByRole('button', { name: /Theme/ });
  await theme.click();
  await theme.click();
  assert.equal(await page.evaluate('document.documentElement.dataset.theme'), 'dark');
  await bus.getByText('Backlog').waitFor();
  await assertAccessible(page, 'overview (dark)');
  await screenshot(page, 'overview-dark');
  await theme.click(); // back to the system's theme (light here) for the next pages
  await page.close();
  for (const path of ['/console/', '/console/events', '/console/rules/edit?bus=default', '/console/targets', '/console/schemas']) {
    const narrow = await open(path, { width: 390, height: 844 });
    await narrow.getByRole('heading', { level: 1 }).waitFor();
    await narrow.waitForLoadState('networkidle');
    await assertNoHorizontalScroll(narrow, `${path} at 390 px`);
    if (path === '/console/') await screenshot(narrow, 'overview-390');
    if (path === '/console/events') await screenshot(narrow, 'events-390');
    await narrow.close();
  }
  assert.deepEqual(browser.foreign, [], 'every request stays on the server');
  assert.deepEqual(browser.errors, [], 'no script error, no CSP violation');
});
