// Writing and reading export files (dump-format.ts) as streams: one line in memory at a time.
import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { dumpInvalid, parseHeader, parseLine, type DumpHeader, type DumpRow, type Row, type TableName } from './dump-format.js';

/**
 * Writes `header`, `rows` and the closing line to `file`: first to `<file>.partial`, renamed into
 * place once complete, so a failed export never leaves a file that looks whole. Resolves with the
 * number of rows.
 */
export async function writeDump(file: string, header: DumpHeader, rows: Iterable<DumpRow> | AsyncIterable<DumpRow>): Promise<number> {
  const partial = `${file}.partial`;
  const out = createWriteStream(partial, { mode: 0o600 });
  let n = 0;
  try {
    const write = async (obj: unknown): Promise<void> => {
      if (!out.write(`${JSON.stringify(obj)}\n`)) await once(out, 'drain');
    };
    await write(header);
    for await (const r of rows) {
      await write(r);
      n++;
    }
    await write({ end: true, rows: n });
    out.end();
    await once(out, 'finish');
  } catch (err) {
    out.destroy();
    rmSync(partial, { force: true });
    throw err;
  }
  renameSync(partial, file);
  return n;
}

/** What the first pass over a file found: the header and the buses (the catalog's few rows the import needs first). */
export interface DumpSummary {
  readonly header: DumpHeader;
  readonly buses: readonly Row<'buses'>[];
  readonly rows: number;
}

/**
 * Reads an export file, checking each line (format, columns, table order, each bus's events in
 * ascending sequence, the closing line and its count). The first fault throws
 * SWY_STORE_DUMP_INVALID naming the line, before the rows after it are yielded.
 */
export async function* readDump(file: string, onHeader?: (h: DumpHeader) => void, buses?: Row<'buses'>[]): AsyncGenerator<DumpRow> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  let rows = 0;
  let ended = false;
  let previous: TableName | undefined;
  const known = new Set<string>();
  const lastSeq = new Map<string, number>();
  for await (const text of lines) {
    n++;
    if (n === 1) {
      onHeader?.(parseHeader(text));
      continue;
    }
    if (ended) throw dumpInvalid(n, 'a line after the closing line');
    const item = parseLine(text, n, previous);
    if ('end' in item) {
      if (item.rows !== rows) throw dumpInvalid(n, `the closing line counts ${item.rows} rows, the file holds ${rows}`);
      ended = true;
      continue;
    }
    rows++;
    previous = item.table;
    if (item.table === 'buses') {
      if (known.has(item.row.name)) throw dumpInvalid(n, `bus "${item.row.name}" twice`);
      known.add(item.row.name);
      buses?.push(item.row);
    } else if (item.table === 'events') {
      const { bus, seq } = item.row;
      if (!known.has(bus)) throw dumpInvalid(n, `an event of bus "${bus}", which the file does not define`);
      if (!Number.isSafeInteger(seq) || seq < 1) throw dumpInvalid(n, `event sequence ${seq} is not a positive integer`);
      if (seq <= (lastSeq.get(bus) ?? 0)) throw dumpInvalid(n, `event sequence ${seq} of bus "${bus}" does not follow ${lastSeq.get(bus)}`);
      lastSeq.set(bus, seq);
    }
    yield item;
  }
  if (n === 0) throw dumpInvalid(1, 'the file is empty');
  if (!ended) throw dumpInvalid(n + 1, `the file is cut short: no closing line after line ${n}`);
}

/** The first pass: reads the whole file (rows are not kept) and answers its header and buses; throws on the first fault. */
export async function checkDump(file: string): Promise<DumpSummary> {
  let header: DumpHeader | undefined;
  const buses: Row<'buses'>[] = [];
  let rows = 0;
  for await (const r of readDump(file, (h) => (header = h), buses)) {
    void r;
    rows++;
  }
  if (header === undefined) throw dumpInvalid(1, 'no header');
  return { header, buses, rows };
}
