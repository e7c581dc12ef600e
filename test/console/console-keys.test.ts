// The console with API keys configured, in a real browser: sign-in, the key kept for the tab only
// (sessionStorage), and a read-only key offered nothing it may not do.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { call, ce, until } from '../e2e/_client.js';
import { startTestServer, type TestServer } from '../e2e/harness.js';
import { assertAccessible, launch, screenshot, type Browser } from './_browser.js';

const ADMIN = 'console-admin-key-0123456789';
const READER = 'console-reader-key-0123456789';
let t: TestServer;
let browser: Browser;

before(async () => {
  t = await startTestServer({ auth: { apiKeys: { [ADMIN]: ['admin'], [READER]: ['read'] } } });
  const as = { authorization: `Bearer ${ADMIN}` };
  assert.equal((await call(t.url, '/v1/buses/default/rules/orders', { method: 'PUT', headers: as, json: { filter: { pattern: { type: ['order.created'] } } } })).status, 201);
  assert.equal((await call(t.url, '/v1/buses/default/events', { headers: { ...as, 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(ce('k-1', { type: 'order.created' })) })).status, 202);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

async function signIn(page: Page, key: string): Promise<void> {
  await page.goto(`${t.url}/console/rules`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('console keys - sign-in: a wrong key is refused, a right one is kept for this tab only', { timeout: 60_000 }, async () => {
  const page = await browser.page(t.url);
  await page.goto(`${t.url}/console/`);
  await page.getByRole('heading', { name: 'Sign in to Switchyard' }).waitFor();
  await assertAccessible(page, 'sign-in');
  await screenshot(page, 'sign-in');
  await page.getByLabel('API key').fill('not-a-key-at-all-000000');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').getByText('a valid API key is required').waitFor();
  await signIn(page, ADMIN);
  await page.getByRole('heading', { name: 'Rules' }).waitFor();
  await page.getByRole('link', { name: 'New rule' }).waitFor();
  assert.equal(await page.evaluate('sessionStorage.getItem("switchyard.apiKey")'), ADMIN);
  assert.equal(await page.evaluate(`Object.values(localStorage).some((v) => v.includes(${JSON.stringify(ADMIN)}))`), false, 'the key is not in localStorage');
  // Another tab has its own session: it asks again.
  const other = await browser.page(t.url);
  await other.goto(`${t.url}/console/`);
  await other.getByRole('heading', { name: 'Sign in to Switchyard' }).waitFor();
  await other.close();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Switchyard' }).waitFor();
  assert.equal(await page.evaluate('sessionStorage.getItem("switchyard.apiKey")'), null);
  await page.close();
});

test('console keys - a read-only key sees no edit, enable, redrive or purge controls, and can still test', { timeout: 60_000 }, async () => {
  const page = await browser.page(t.url);
  await signIn(page, READER);
  await page.getByRole('link', { name: 'orders' }).waitFor();
  for (const name of ['Disable', 'Enable', 'Delete']) assert.equal(await page.getByRole('button', { name }).count(), 0, `no ${name} button`);
  assert.equal(await page.getByRole('link', { name: 'New rule' }).count(), 0);
  await page.getByRole('link', { name: 'orders' }).click();
  const editor = page.getByLabel(/^Rule \(JSON\)/);
  await until('the rule editor filled in', async () => (await editor.inputValue()).includes('order.created'));
  assert.equal(await editor.getAttribute('readonly'), '');
  assert.equal(await page.getByRole('button', { name: 'Save rule' }).count(), 0);
  await page.getByLabel('Event (JSON)').fill(JSON.stringify(ce('x', { type: 'order.created' })));
  await page.getByText('The rule matches this event.').waitFor();
  await page.goto(`${t.url}/console/targets`);
  await page.getByRole('heading', { name: 'Dead letters', exact: true }).waitFor();
  for (const name of ['Redrive selected', 'Redrive all matching', 'Purge selected', 'Purge all matching']) assert.equal(await page.getByRole('button', { name }).count(), 0, `no ${name} button`);
  await page.goto(`${t.url}/console/schemas`);
  await page.locator('#validation').waitFor();
  assert.equal(await page.locator('#validation').isDisabled(), true);
  await assertAccessible(page, 'schemas (read-only)');
  assert.deepEqual(browser.foreign, []);
  assert.deepEqual(browser.errors, []);
  await page.close();
});
