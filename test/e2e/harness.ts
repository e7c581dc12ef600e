// Starts a real Switchyard server on 127.0.0.1, port 0, with a fresh data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import type { Clock } from '../../src/core/index.js';
import { SwitchyardServer } from '../../src/server/index.js';

export interface TestServer {
  readonly server: SwitchyardServer;
  readonly url: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

/**
 * `clock`: time for the server (retries, windows, timestamps); a ManualClock tests schedules without sleeping.
 * `logStream`: where the server's log lines (and log targets' lines) go, to read them in a test.
 * `env`: environment variables for the config loader (SWITCHYARD_*, OTEL_*); none by default.
 */
export async function startTestServer(overrides: Record<string, unknown> = {}, opts: { clock?: Clock; logStream?: NodeJS.WritableStream; env?: Record<string, string> } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'swy-e2e-'));
  const base = { server: { port: 0 }, storage: { dataDir }, log: { level: 'silent' } };
  const config = loadConfig({ overrides: merge(base, overrides), ...(opts.env === undefined ? {} : { env: opts.env }) });
  const server = new SwitchyardServer(config, { ...(opts.clock === undefined ? {} : { clock: opts.clock }), ...(opts.logStream === undefined ? {} : { logStream: opts.logStream }) });
  await server.start();
  return {
    server,
    url: server.url,
    dataDir,
    close: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const av = out[k];
    out[k] = typeof v === 'object' && v !== null && !Array.isArray(v) && typeof av === 'object' && av !== null
      ? merge(av as Record<string, unknown>, v as Record<string, unknown>)
      : v;
  }
  return out;
}
