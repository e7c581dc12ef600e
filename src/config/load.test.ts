import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isSwitchyardError } from '../core/index.js';
import { loadConfig } from './load.js';
import { renderConfigDoc } from './render-doc.js';

const tmpFile = (text: string): string => {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'swy-config-')), 'switchyard.yaml');
  writeFileSync(f, text);
  return f;
};

test('config - defaults alone give loopback:8080, ./data, 256 KiB events, 24 h dedupe', () => {
  const c = loadConfig();
  assert.equal(c.server.host, '127.0.0.1');
  assert.equal(c.server.port, 8080);
  assert.equal(c.storage.dataDir, './data');
  assert.equal(c.limits.maxEventBytes, 256 * 1024);
  assert.equal(c.limits.maxRequestBytes, 1024 * 1024);
  assert.equal(c.limits.maxBatchEvents, 1000);
  assert.equal(c.ingest.dedupeWindowMs, 24 * 3600 * 1000);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.server));
});

test('config - file < env < overrides', () => {
  const file = tmpFile('server:\n  port: 9000\nlimits:\n  maxBatchEvents: 10\n');
  const c = loadConfig({ file, env: { SWITCHYARD_SERVER_PORT: '9100' }, overrides: { limits: { maxBatchEvents: 20 } } });
  assert.equal(c.server.port, 9100);
  assert.equal(c.limits.maxBatchEvents, 20);
  assert.equal(c.limits.maxEventBytes, 256 * 1024);
});

test('config - boolean keys are read from SWITCHYARD_* as true or false', () => {
  assert.equal(loadConfig({ env: { SWITCHYARD_OBSERVE_METRICS: 'false' } }).observe.metrics, false);
  assert.equal(loadConfig({ env: { SWITCHYARD_OBSERVE_SYSTEM_EVENTS: 'true' } }).observe.systemEvents, true);
  assert.throws(() => loadConfig({ env: { SWITCHYARD_OBSERVE_METRICS: 'no' } }), /observe\.metrics/);
});

test('config - an invalid value is reported with its key', () => {
  const file = tmpFile('server:\n  port: "eighty"\nlimits:\n  maxEventBytes: -1\n');
  assert.throws(() => loadConfig({ file }), (e: unknown) => {
    assert.ok(isSwitchyardError(e));
    assert.equal(e.code, 'SWY_CONFIG_INVALID');
    assert.deepEqual(e.violations.map((v) => v.path).sort(), ['limits.maxEventBytes', 'server.port']);
    return true;
  });
});

test('config - unknown keys in the file and unknown SWITCHYARD_* variables are rejected', () => {
  assert.throws(() => loadConfig({ file: tmpFile('server:\n  prot: 1\n') }), /server\.prot: unknown key/);
  assert.throws(() => loadConfig({ env: { SWITCHYARD_SERVER_PROT: '1' } }), /SWITCHYARD_SERVER_PROT/);
  assert.throws(() => loadConfig({ env: { SWITCHYARD_SERVER_PORT: '12ab' } }), /server\.port/);
});

test('config - a missing or non-YAML file is a clear error', () => {
  assert.throws(() => loadConfig({ file: '/nonexistent/switchyard.yaml' }), /cannot read config file/);
  assert.throws(() => loadConfig({ file: tmpFile('server: [1,\n') }), /not valid YAML/);
});

test('config - a non-loopback host without API keys refuses to start', () => {
  assert.throws(() => loadConfig({ overrides: { server: { host: '0.0.0.0' } } }), (e: unknown) => {
    assert.ok(isSwitchyardError(e) && e.code === 'SWY_CONFIG_INSECURE_LISTEN');
    assert.match(e.message, /auth\.apiKeys/);
    return true;
  });
  const keys = JSON.stringify({ 'a-long-enough-api-key-0001': ['admin'] });
  const c = loadConfig({ env: { SWITCHYARD_SERVER_HOST: '0.0.0.0', SWITCHYARD_AUTH_API_KEYS: keys } });
  assert.deepEqual(c.auth.apiKeys, { 'a-long-enough-api-key-0001': ['admin'] });
});

test('config - docs/config.md lists every key (run npm run docs:config)', () => {
  const doc = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
  assert.equal(doc, renderConfigDoc());
});
