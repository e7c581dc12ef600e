// Moving an embedded installation into a cluster (docs/cluster.md): export a data directory to a
// file, import a file (or a data directory directly) into the configured cluster.
import type { Clock } from '../../core/index.js';
import { ClusterImport, type ClusterImportOptions, type ImportReport } from '../cluster/cluster-import.js';
import { EmbeddedExport } from './embedded-export.js';
import { checkDump, readDump, writeDump } from './dump-file.js';
import { TABLES, type DumpRow, type TableName } from './dump-format.js';

export type { ClusterImportOptions, ImportReport };

/** Exports `dataDir` (no server may hold it) into `file`; resolves with the rows written per table. */
export async function exportDataDir(dataDir: string, file: string, clock: Clock): Promise<{ id: string; rows: Partial<Record<TableName, number>> }> {
  const source = EmbeddedExport.open(dataDir, clock.now());
  const rows: Partial<Record<TableName, number>> = {};
  try {
    await writeDump(file, source.header, counted(source.rows(), rows));
  } finally {
    source.close();
  }
  return { id: source.header.id, rows };
}

/**
 * Imports an export file into the cluster. The whole file is checked first (a fault throws
 * SWY_STORE_DUMP_INVALID naming the line, nothing written), then every bus's stream (a stream
 * holding other events throws SWY_STORE_IMPORT_CONFLICT, nothing written, unless `replace`), then
 * the rows are written. Re-running the same file after a failure completes it.
 */
export async function importFile(file: string, target: ClusterImportOptions, opts: { replace: boolean }): Promise<ImportReport> {
  const { header, buses } = await checkDump(file);
  const cluster = await ClusterImport.open(target);
  try {
    await cluster.preflight(header, buses, opts.replace);
    return await cluster.write(header, readDump(file), opts.replace);
  } finally {
    await cluster.close();
  }
}

/** Imports a data directory straight into the cluster (no file): the same as export then import. */
export async function importDataDir(dataDir: string, target: ClusterImportOptions, opts: { replace: boolean }): Promise<ImportReport> {
  const source = EmbeddedExport.open(dataDir, target.clock.now(), { stableId: true });
  try {
    const buses = source.buses();
    const cluster = await ClusterImport.open(target);
    try {
      await cluster.preflight(source.header, buses, opts.replace);
      return await cluster.write(source.header, toAsync(source.rows()), opts.replace);
    } finally {
      await cluster.close();
    }
  } finally {
    source.close();
  }
}

function* counted(rows: Iterable<DumpRow>, counts: Partial<Record<TableName, number>>): Generator<DumpRow> {
  for (const r of rows) {
    counts[r.table] = (counts[r.table] ?? 0) + 1;
    yield r;
  }
}

async function* toAsync<T>(it: Iterable<T>): AsyncGenerator<T> {
  for (const x of it) yield x;
}

/** The tables an export carries, in file order (for reports). */
export const EXPORTED_TABLES = Object.keys(TABLES) as TableName[];
