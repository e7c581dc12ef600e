import { loadConfig } from '../config/index.js';
import { isSwitchyardError } from '../core/index.js';
import { SwitchyardServer } from '../server/index.js';

/** Start-up refusals the operator fixes (config, a data directory in use): one line, exit code 2, no stack. */
const refusal = (e: unknown): boolean => isSwitchyardError(e) && (e.code.startsWith('SWY_CONFIG_') || (e.code === 'SWY_STORE_DIR_LOCKED' || e.code === 'SWY_STORE_ENGINE_UNREACHABLE'));

/** The environment variables of the client commands (src/cli/context.ts), not server config. */
const CLIENT_ENV = new Set(['SWITCHYARD_URL', 'SWITCHYARD_API_KEY']);

export interface StartOptions {
  readonly config?: string;
  readonly host?: string;
  readonly port?: string;
  readonly dataDir?: string;
  /** A configuration document (docs/config-as-code.md) applied once the server listens. */
  readonly apply?: string;
}

/**
 * `switchyard start`: loads config (defaults < file < SWITCHYARD_* env < flags), starts the
 * server and stops it gracefully on SIGTERM/SIGINT. A bad config prints the key and exits 2; so does
 * a data directory another server holds (the message names it and that server's pid).
 */
export async function startCommand(opts: StartOptions, processEnv: Readonly<Record<string, string | undefined>>): Promise<void> {
  // SWITCHYARD_URL and SWITCHYARD_API_KEY configure the client commands; the server's config
  // loader would refuse them as unknown keys, so a shell that exports them could not start it.
  const env = Object.fromEntries(Object.entries(processEnv).filter(([k]) => !CLIENT_ENV.has(k)));
  const overrides: Record<string, Record<string, unknown>> = {};
  if (opts.host !== undefined) (overrides.server ??= {}).host = opts.host;
  if (opts.port !== undefined) (overrides.server ??= {}).port = /^\d+$/.test(opts.port) ? Number(opts.port) : opts.port;
  if (opts.dataDir !== undefined) (overrides.storage ??= {}).dataDir = opts.dataDir;
  let server: SwitchyardServer | undefined;
  let adminKey: string | undefined;
  try {
    const config = loadConfig({ file: opts.config ?? env.SWITCHYARD_CONFIG, env, overrides });
    const keys = Object.entries(config.auth.apiKeys);
    adminKey = keys.find(([, scopes]) => scopes.includes('admin'))?.[0];
    if (opts.apply !== undefined && keys.length > 0 && adminKey === undefined) {
      process.stderr.write('switchyard: --apply needs an API key with the admin scope in auth.apiKeys\n');
      process.exit(2);
    }
    server = new SwitchyardServer(config);
    await server.start();
  } catch (e) {
    if (refusal(e)) {
      process.stderr.write(`switchyard: ${(e as Error).message}\n`);
      process.exit(2);
    }
    const listen = listenFailure(e);
    if (listen !== undefined) {
      process.stderr.write(`switchyard: ${listen}\n`);
      await server?.stop().catch(() => undefined);
      process.exit(2);
    }
    process.stderr.write(`switchyard: failed to start: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  }
  const running = server;
  if (opts.apply !== undefined) await applyAtStart(running, opts.apply, adminKey, processEnv);
  let signalled = false;
  const shutdown = (signal: string): void => {
    if (signalled) return;
    signalled = true;
    running.app.log.info({ signal }, 'shutting down');
    running.stop().then(() => process.exit(0), (err: unknown) => {
      process.stderr.write(`switchyard: shutdown failed: ${String(err)}\n`);
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * `start --apply FILE`: makes the new server match the document through its own API, like
 * `switchyard apply -f FILE` (no prune). A document that fails to apply stops the server
 * (exit 1; 2 for a document that is not valid), so a deployment does not run half-configured.
 */
async function applyAtStart(server: SwitchyardServer, file: string, apiKey: string | undefined, processEnv: Readonly<Record<string, string | undefined>>): Promise<void> {
  const [{ applyFile }, { SwitchyardClient }, { reportError }] = await Promise.all([import('./commands/config.js'), import('./client.js'), import('./errors.js')]);
  const client = new SwitchyardClient({ baseUrl: server.url, ...(apiKey === undefined ? {} : { apiKey }) });
  try {
    await applyFile(file, client, processEnv, { env: processEnv, io: process });
  } catch (e) {
    const code = reportError(e, process.stderr);
    await server.stop().catch(() => undefined);
    process.exit(code);
  }
}

/** One line for an address the server cannot listen on (taken, or not allowed), else undefined. */
function listenFailure(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
  if (err?.syscall !== 'listen') return undefined;
  const where = `${err.address ?? '?'}:${err.port ?? '?'}`;
  const change = 'choose another with --port (or SWITCHYARD_SERVER_PORT, server.port in the config file)';
  if (err.code === 'EADDRINUSE') return `port ${err.port} is already in use on ${err.address} (${where}); ${change}`;
  if (err.code === 'EACCES') return `not allowed to listen on ${where} (ports below 1024 need privileges); ${change}`;
  if (err.code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: no such local address; choose another with --host (or SWITCHYARD_SERVER_HOST)`;
  return undefined;
}
