// `switchyard data export` and `switchyard data import`: moving an embedded installation into a cluster
// (docs/cluster.md). They work on the stores themselves, not through a server: export reads a
// data directory no server holds; import writes the cluster named by the config `start` uses.
import { loadConfig, type Config } from '../config/index.js';
import { isSwitchyardError, systemClock } from '../core/index.js';
import { exportDataDir, importDataDir, importFile, type ClusterImportOptions, type ImportReport } from '../store/index.js';
import { ExitStatus, UsageError } from './errors.js';
import type { CliIo } from './io.js';

export interface ExportFlags {
  readonly dataDir?: string;
  readonly out?: string;
  readonly config?: string;
}

export interface ImportFlags {
  readonly in?: string;
  readonly fromDataDir?: string;
  readonly replaceEvents?: boolean;
  readonly config?: string;
}

/** The environment variables of the client commands, not server config (as `start`). */
const CLIENT_ENV = new Set(['SWITCHYARD_URL', 'SWITCHYARD_API_KEY']);

function config(file: string | undefined, processEnv: Readonly<Record<string, string | undefined>>): Config {
  const env = Object.fromEntries(Object.entries(processEnv).filter(([k]) => !CLIENT_ENV.has(k)));
  return loadConfig({ file: file ?? env.SWITCHYARD_CONFIG, env, overrides: {} });
}

/** `switchyard data export --data-dir D --out FILE`. */
export async function exportCommand(f: ExportFlags, processEnv: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<void> {
  if (f.out === undefined) throw new UsageError('data export needs --out <file>');
  const dataDir = f.dataDir ?? config(f.config, processEnv).storage.dataDir;
  await reported(io, async () => {
    const { id, rows } = await exportDataDir(dataDir, f.out!, systemClock);
    io.stdout.write(`exported ${dataDir} to ${f.out} (export ${id})\n${counts(rows)}`);
    io.stdout.write('the cluster nodes need this installation\'s secret key as delivery.secretKey (its config, or the content of <data-dir>/delivery-secret.key)\n');
  });
}

/** `switchyard data import --in FILE | --from-data-dir D [--replace-events]` into the configured cluster. */
export async function importCommand(f: ImportFlags, processEnv: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<void> {
  if ((f.in === undefined) === (f.fromDataDir === undefined)) throw new UsageError('data import needs exactly one of --in <file> and --from-data-dir <dir>');
  await reported(io, async () => {
    const c = config(f.config, processEnv);
    if (c.storage.kind !== 'cluster') throw new UsageError('data import writes into a cluster: configure storage.kind: cluster (with storage.nats and storage.postgres), as for `switchyard start`');
    const target: ClusterImportOptions = {
      natsServers: c.storage.nats.servers, streamPrefix: c.storage.nats.streamPrefix, replicas: c.storage.nats.replicas, requestTimeoutMs: c.storage.nats.requestTimeoutMs,
      postgresUrl: c.storage.postgres.url, postgresSchema: c.storage.postgres.schema, connectTimeoutMs: c.storage.connectTimeoutMs,
      clock: systemClock, dedupeWindowMs: c.ingest.dedupeWindowMs, defaultRetentionMaxAgeMs: c.retention.defaultMaxAgeMs, sweepBatch: c.retention.sweepBatch,
    };
    const opts = { replace: f.replaceEvents === true };
    const report: ImportReport = f.in !== undefined ? await importFile(f.in, target, opts) : await importDataDir(f.fromDataDir!, target, opts);
    io.stdout.write(`imported ${f.in ?? f.fromDataDir} into the cluster\n${counts(report.rows)}`);
    if (report.eventsResumed > 0) io.stdout.write(`${report.eventsResumed} event(s) were there already (a resumed import)\n`);
  });
}

/** Store errors print as `error SWY_CODE: message` (exit 1), like the client commands' server errors. */
async function reported(io: CliIo, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (!isSwitchyardError(e)) throw e;
    io.stderr.write(`error ${e.code}: ${e.message}\n`);
    throw new ExitStatus(e.code.startsWith('SWY_CONFIG_') ? 2 : 1);
  }
}

function counts(rows: Partial<Record<string, number>>): string {
  return Object.entries(rows).map(([t, n]) => `  ${t}: ${n}\n`).join('');
}
