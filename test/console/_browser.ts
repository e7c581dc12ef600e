// Browser tests of the web console (console/, served at /console): Debian's Chromium
// (/usr/bin/chromium; .ci/services installs it when missing) driven by playwright-core, against a
// real in-process server (test/e2e/harness.ts). One browser per test file, a fresh empty
// profile each time, no network beyond loopback.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';
// The PNGs in docs/console/ are refreshed only on request (`npm run docs:screenshots`), so a
// test run leaves the working tree as it found it; otherwise they go to a temporary folder.
const screenshotDir = process.env.SWITCHYARD_SCREENSHOTS === 'docs' ? path.join(repoRoot, 'docs', 'console') : path.join(tmpdir(), 'switchyard-console-screenshots');

export interface Browser {
  readonly context: BrowserContext;
  /** A new tab at 1280 × 800 that fails the test on any request leaving the server's origin. */
  page(origin: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** Requests that went anywhere but the server (must stay empty: every asset is self-hosted). */
  readonly foreign: string[];
  /** Console messages the page logged as errors (a CSP violation is one). */
  readonly errors: string[];
  close(): Promise<void>;
}

/** Builds dist/ (the console included) when a source is newer than the last build. */
export function buildIfStale(): void {
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build-if-stale.mjs')], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function launch(): Promise<Browser> {
  buildIfStale();
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (bash .ci/services does)`);
  const profile = mkdtempSync(path.join(tmpdir(), 'swy-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.setDefaultTimeout(15_000);
  const foreign: string[] = [];
  const errors: string[] = [];
  return {
    context,
    foreign,
    errors,
    async page(origin, viewport = { width: 1280, height: 800 }) {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      page.on('request', (r) => {
        const u = r.url();
        if (!u.startsWith(`${origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:')) foreign.push(u);
      });
      page.on('console', (m) => {
        if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const axeSource = readFileSync(path.join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

interface AxeResult { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }

/** axe-core on the page as it is: no serious or critical violation (WCAG 2.x A/AA rules). */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  const loaded = await page.evaluate('typeof window.axe === "object"');
  if (loaded !== true) await page.evaluate(axeSource);
  const result = await page.evaluate('axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } })') as AxeResult;
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`), [], `${what}: accessibility`);
}

/** Saves a PNG of the page for docs/console.md. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage, animations: 'disabled' });
}

/** The page is no wider than its viewport (tables scroll inside their own box). */
export async function assertNoHorizontalScroll(page: Page, what: string): Promise<void> {
  const [scroll, width] = await page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]') as [number, number];
  assert.ok(scroll <= width, `${what}: the page is ${scroll}px wide in a ${width}px viewport`);
}
