// Lints the live OpenAPI document (`npm run lint:openapi`, part of `npm run lint`): starts a real
// in-process server, writes its /openapi.json to a temporary file and runs `redocly lint` (redocly.yaml: the
// recommended rules, operationIds required) on it. Exits with redocly's status (non-zero on any error).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../test/e2e/harness.js';

const t = await startTestServer();
let doc: string;
try {
  const res = await fetch(`${t.url}/openapi.json`);
  if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
  doc = await res.text();
} finally {
  await t.close();
}
const dir = mkdtempSync(join(tmpdir(), 'switchyard-openapi-'));
try {
  const file = join(dir, 'openapi.json');
  writeFileSync(file, `${JSON.stringify(JSON.parse(doc) as unknown, null, 2)}\n`);
  const redocly = fileURLToPath(new URL('../node_modules/.bin/redocly', import.meta.url));
  // No telemetry and no update check: CI has no network beyond the package registries.
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  const r = spawnSync(redocly, ['lint', '--config', fileURLToPath(new URL('../redocly.yaml', import.meta.url)), ...process.argv.slice(2), file], { stdio: 'inherit', env });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
