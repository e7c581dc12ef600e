// The event catalogue page in a real browser: per bus every (source, type) with counts, the
// sample event, its schema with a link to its generated code, the prefix filters, and "new rule
// for this type" opening the rule editor with the pattern filled in.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BATCH, call, ce, until } from '../e2e/_client.js';
import { startTestServer, type TestServer } from '../e2e/harness.js';
import { assertAccessible, assertNoHorizontalScroll, launch, screenshot, type Browser } from './_browser.js';

const READER = 'catalogue-reader-key-0123456789';
let t: TestServer;
let browser: Browser;

before(async () => {
  t = await startTestServer();
  assert.equal((await call(t.url, '/v1/buses', { json: { name: 'shop' } })).status, 201);
  assert.equal((await call(t.url, '/v1/schemas/shop.order.created/versions', { json: { schema: { type: 'object', properties: { total: { type: 'number' } }, required: ['total'] } } })).status, 201);
  const events = [
    ...Array.from({ length: 7 }, (_, i) => ce(`o-${i}`, { source: 'urn:shop:web', type: 'shop.order.created', data: { total: 10 + i } })),
    ...Array.from({ length: 3 }, (_, i) => ce(`p-${i}`, { source: 'urn:shop:web', type: 'shop.order.paid', data: { total: 10 + i } })),
    ce('c-0', { source: 'urn:crm', type: 'crm.contact.added', data: { name: 'Ada' } }),
  ];
  assert.equal((await call(t.url, '/v1/buses/shop/events', { body: JSON.stringify(events), headers: { 'content-type': BATCH } })).status, 202);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test('console catalogue - every (source, type) of a bus with counts, sample and schema; a new rule for a type', { timeout: 90_000 }, async () => {
  const page = await browser.page(t.url);
  await page.goto(`${t.url}/console/`);
  await page.getByRole('link', { name: 'Catalogue' }).click();
  await page.getByRole('heading', { name: 'Event catalogue' }).waitFor();
  await page.getByLabel('Bus').selectOption('shop');
  const rows = page.getByRole('table', { name: 'Event types' }).locator('tbody tr');
  await page.getByRole('cell', { name: 'shop.order.created', exact: true }).waitFor();
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent))), [
    ['urn:crm', 'crm.contact.added', '1'],
    ['urn:shop:web', 'shop.order.created', '7'],
    ['urn:shop:web', 'shop.order.paid', '3'],
  ]);
  await page.getByRole('link', { name: 'shop.order.created v1' }).waitFor();

  // The sample: the newest event of the pair, pretty JSON.
  await page.getByRole('button', { name: 'Sample of shop.order.created from urn:shop:web' }).click();
  const sample = page.getByLabel('Sample event of shop.order.created');
  await sample.waitFor();
  const shown = JSON.parse(await sample.innerText()) as { id: string; data: { total: number } };
  assert.deepEqual([shown.id, shown.data.total], ['o-6', 16]);
  await assertAccessible(page, 'catalogue');
  await screenshot(page, 'catalogue', true);

  // The schema's generated code, on the schemas page.
  await page.getByRole('link', { name: 'versions and generated TypeScript' }).click();
  await page.getByLabel('Generated TypeScript').getByText('ShopOrderCreated', { exact: false }).first().waitFor();
  await page.goBack();

  // The type prefix filter.
  await page.getByLabel('Type starts with').fill('shop.order.p');
  await page.getByRole('button', { name: 'Filter' }).click();
  await until('the filtered catalogue', async () => (await rows.count()) === 1);
  assert.equal(await rows.locator('td').nth(1).innerText(), 'shop.order.paid');

  // New rule for this type: the editor opens with the pattern of the pair.
  await page.getByRole('link', { name: 'New rule for this type: shop.order.paid from urn:shop:web' }).click();
  await page.getByRole('heading', { name: /New rule/ }).waitFor();
  await until('the rule editor filled in', async () => (await page.locator('#rule-doc').inputValue()).includes('shop.order.paid'));
  const doc = JSON.parse(await page.locator('#rule-doc').inputValue()) as { filter: unknown };
  assert.deepEqual(doc.filter, { pattern: { source: ['urn:shop:web'], type: ['shop.order.paid'] } });
  await page.getByLabel('Event (JSON)').fill(JSON.stringify(ce('x', { source: 'urn:shop:web', type: 'shop.order.paid' })));
  await page.getByText('The rule matches this event.').waitFor();

  assert.deepEqual(browser.foreign, []);
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('console catalogue - at 390 px the table scrolls inside its box', { timeout: 60_000 }, async () => {
  const page = await browser.page(t.url, { width: 390, height: 800 });
  await page.goto(`${t.url}/console/catalogue?bus=shop`);
  await page.getByRole('cell', { name: 'crm.contact.added', exact: true }).waitFor();
  await assertNoHorizontalScroll(page, 'catalogue at 390 px');
  await assertAccessible(page, 'catalogue at 390 px');
  await page.close();
});

test('console catalogue - a read-only key browses the catalogue but is offered no new rule', { timeout: 60_000 }, async () => {
  const keyed = await startTestServer({ auth: { apiKeys: { [READER]: ['read'], 'catalogue-admin-key-0123456789': ['admin'] } } });
  try {
    const as = { authorization: 'Bearer catalogue-admin-key-0123456789', 'content-type': 'application/cloudevents+json' };
    assert.equal((await call(keyed.url, '/v1/buses/default/events', { headers: as, body: JSON.stringify(ce('r-1', { type: 'read.only' })) })).status, 202);
    const page = await browser.page(keyed.url);
    await page.goto(`${keyed.url}/console/catalogue`);
    await page.getByLabel('API key').fill(READER);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('cell', { name: 'read.only', exact: true }).waitFor();
    await page.getByRole('button', { name: /^Sample of read\.only/ }).waitFor();
    assert.equal(await page.getByRole('link', { name: /^New rule for this type/ }).count(), 0);
    await page.close();
  } finally {
    await keyed.close();
  }
});
