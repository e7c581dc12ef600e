// The live tail across a dropped connection: the server stops (the stream ends) and starts
// again on the same port; the console reconnects with the last id it saw (Last-Event-ID), so
// events put before it is back on the stream still arrive, once each.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { SwitchyardServer } from '../../src/server/index.js';
import { ce } from '../e2e/_client.js';
import { putEvents } from '../e2e/_delivery-receiver.js';
import { launch, type Browser } from './_browser.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'swy-console-'));
let server: SwitchyardServer;
let browser: Browser;

before(async () => {
  server = new SwitchyardServer(loadConfig({ overrides: { server: { port: 0 }, storage: { dataDir }, log: { level: 'silent' } } }));
  await server.start();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('console tail - no event lost when the stream drops and the server comes back', { timeout: 60_000 }, async () => {
  const url = server.url;
  const page = await browser.page(url);
  await page.goto(`${url}/console/tail`);
  await page.locator('[data-status=live]').waitFor();
  await putEvents(url, 'default', [ce('r-1', { type: 'restart.test' })]);
  await page.getByRole('link', { name: 'r-1' }).waitFor();

  await server.stop();
  await page.locator('[data-status=reconnecting]').waitFor();
  const port = Number(new URL(url).port);
  server = new SwitchyardServer(loadConfig({ overrides: { server: { port }, storage: { dataDir }, log: { level: 'silent' } } }));
  await server.start();
  await putEvents(url, 'default', [ce('r-2', { type: 'restart.test' }), ce('r-3', { type: 'restart.test' })]);
  for (const id of ['r-2', 'r-3']) await page.getByRole('link', { name: id }).waitFor();
  await page.locator('[data-status=live]').waitFor();
  assert.equal(await page.getByRole('link', { name: 'r-1' }).count(), 1, 'no event twice');
  assert.deepEqual(browser.foreign, []);
  await page.close();
});
