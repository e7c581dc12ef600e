// The export file (`switchyard data export`, docs/cluster.md): line-delimited JSON, one object a line,
// versioned. Layout, in this order:
//
//   {"format":"switchyard-export","version":1,"id":…,"createdAt":…,"schemaVersion":…}   header
//   {"table":"buses","row":{…}}   … one line per row, tables in TABLE_ORDER (catalog first, then
//                                   every bus's retained events in sequence order, then what
//                                   refers to events: schema checks, archived copies, deliveries)
//   {"end":true,"rows":N}          closing line: N rows before it (a cut-short file has none)
//
// A row holds exactly its table's columns (TABLES), values as JSON numbers, strings or null (a
// boolean column is 0/1, matched rules an array of names). The reader checks every line against
// this before an import writes anything, and names the line of the first fault.
import { SwitchyardError } from '../../core/index.js';

export const DUMP_FORMAT = 'switchyard-export';
export const DUMP_VERSION = 1;

export interface DumpHeader {
  readonly format: typeof DUMP_FORMAT;
  readonly version: typeof DUMP_VERSION;
  /** Random id of this export: an import marks the streams it writes with it, so a re-run resumes them. */
  readonly id: string;
  readonly createdAt: number;
  /** The embedded store's schema version the rows were read at. */
  readonly schemaVersion: number;
}

/** s: string, n: number, then `?`: or null; a: array of strings; b: 0 or 1; o: array of attempt objects (deliveries). */
type ColumnKind = 's' | 's?' | 'n' | 'n?' | 'a' | 'b' | 'o';

/** Every table an export carries, its columns and their kinds. */
export const TABLES = {
  buses: { name: 's', description: 's?', created_at: 'n', max_age_ms: 'n?', max_count: 'n?', next_seq: 'n' },
  rules: { bus: 's', name: 's', description: 's?', state: 's', filter: 's', targets: 's', created_at: 'n', updated_at: 'n' },
  schemas: { name: 's', source: 's', description: 's?', compatibility: 's', latest: 'n', created_at: 'n', updated_at: 'n' },
  schema_versions: { name: 's', source: 's', version: 'n', dialect: 's', body: 's', origin: 's', created_at: 'n' },
  bus_schema_settings: { bus: 's', validation: 's', discovery: 'b', sample_rate: 'n', updated_at: 'n' },
  connections: { name: 's', kind: 's', description: 's?', config: 's', sealed: 's', created_at: 'n', updated_at: 'n' },
  signing_secrets: { target_key: 's', created_at: 'n', sealed: 's', expires_at: 'n?' },
  archives: { bus: 's', name: 's', description: 's?', pattern: 's?', retention_ms: 'n?', created_at: 'n', updated_at: 'n' },
  consumers: { bus: 's', name: 's', pattern: 's?', committed: 'n', created_at: 'n', updated_at: 'n' },
  sources: {
    name: 's', kind: 's', bus: 's', description: 's?', state: 's', config: 's', mapping: 's?', created_at: 'n', updated_at: 'n',
    received: 'n', put: 'n', rejected: 'n', last_event_at: 'n?',
  },
  schedules: { name: 's', spec: 's', state: 's', cursor: 'n', created_at: 'n', updated_at: 'n' },
  source_dead_letters: { id: 'n', source: 's', code: 's', reason: 's', message: 's', dead_at: 'n' },
  target_health: { bus: 's', rule: 's', target: 's', failing_since: 'n?', disabled_at: 'n?' },
  events: {
    bus: 's', seq: 'n', id: 's', source: 's', type: 's', subject: 's?', time: 's?', received_at: 'n', mode: 's', size: 'n',
    matched: 'a', body: 's', client: 's?', traceparent: 's?', via: 's?',
  },
  event_schema_checks: { bus: 's', seq: 'n', schema: 's', violations: 's', checked_at: 'n' },
  archive_events: {
    bus: 's', seq: 'n', archive: 's', id: 's', source: 's', type: 's', subject: 's?', time: 's?', received_at: 'n', mode: 's', size: 'n', body: 's',
  },
  deliveries: {
    bus: 's', seq: 'n', event_id: 's', rule: 's', target: 's', grp: 's?', state: 's', due_at: 'n', attempts: 'n', first_at: 'n',
    created_at: 'n', done_at: 'n?', last_error: 's?', event_body: 's?', payload: 's?', replay: 's?', attempt_log: 'o',
  },
  event_types: {
    bus: 's', source: 's', type: 's', count: 'n', first_seen: 'n', last_seen: 'n', sample_seq: 'n', sample_id: 's', sample_body: 's?',
  },
  event_type_buses: { bus: 's', types: 'n', overflow: 'n' },
} as const satisfies Record<string, Record<string, ColumnKind>>;

export type TableName = keyof typeof TABLES;

/** Columns holding one of a few values (the cluster's tables check them; a file is refused before that). */
const ENUMS: Partial<Record<TableName, Record<string, readonly string[]>>> = {
  rules: { state: ['enabled', 'disabled'] },
  schemas: { compatibility: ['BACKWARD', 'FORWARD', 'FULL', 'NONE'] },
  schema_versions: { dialect: ['2020-12', 'draft-07'], origin: ['api', 'discovery'] },
  bus_schema_settings: { validation: ['off', 'warn', 'enforce'] },
  sources: { state: ['running', 'paused'] },
  schedules: { state: ['enabled', 'disabled'] },
  events: { mode: ['binary', 'structured', 'batch', 'put-events'] },
  archive_events: { mode: ['binary', 'structured', 'batch', 'put-events'] },
  deliveries: { state: ['pending', 'waiting', 'dead'] },
};
/** Tables in file order: a row never refers to a table after its own. */
export const TABLE_ORDER = Object.keys(TABLES) as TableName[];

type ValueOf<K extends ColumnKind> = K extends 's' ? string : K extends 's?' ? string | null : K extends 'n' | 'b' ? number
  : K extends 'n?' ? number | null : K extends 'a' ? string[] : DeliveryAttemptRow[];
export type Row<T extends TableName> = { -readonly [C in keyof (typeof TABLES)[T]]: ValueOf<(typeof TABLES)[T][C] & ColumnKind> };

/** One attempt of a carried delivery (the delivery's attempt history). */
export interface DeliveryAttemptRow {
  n: number;
  at: number;
  duration_ms: number;
  ok: number;
  status: number | null;
  error_class: string | null;
  message: string | null;
  response: string | null;
}

const ATTEMPT_COLUMNS: Record<keyof DeliveryAttemptRow, ColumnKind> = {
  n: 'n', at: 'n', duration_ms: 'n', ok: 'b', status: 'n?', error_class: 's?', message: 's?', response: 's?',
};

export type DumpRow = { [T in TableName]: { readonly table: T; readonly row: Row<T> } }[TableName];

export interface DumpEnd {
  readonly end: true;
  readonly rows: number;
}

/** A fault in an export file at a line (1-based). */
export function dumpInvalid(line: number, reason: string): SwitchyardError {
  return new SwitchyardError('SWY_STORE_DUMP_INVALID', `line ${line}: ${reason}`, { extra: { line } });
}

/** Checks the first line; throws SWY_STORE_DUMP_INVALID naming why it is not a header this build reads. */
export function parseHeader(text: string): DumpHeader {
  const v = parseJson(text, 1);
  if (!isObject(v) || v.format !== DUMP_FORMAT) throw dumpInvalid(1, `not a Switchyard export file (the first line must be its header, "format": "${DUMP_FORMAT}")`);
  if (v.version !== DUMP_VERSION) throw dumpInvalid(1, `export format version ${JSON.stringify(v.version)} is not supported (this Switchyard reads version ${DUMP_VERSION})`);
  if (typeof v.id !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(v.id)) throw dumpInvalid(1, 'header "id" must be 8-64 characters of [A-Za-z0-9_-]');
  if (typeof v.createdAt !== 'number' || typeof v.schemaVersion !== 'number') throw dumpInvalid(1, 'header needs numbers "createdAt" and "schemaVersion"');
  return { format: DUMP_FORMAT, version: DUMP_VERSION, id: v.id, createdAt: v.createdAt, schemaVersion: v.schemaVersion };
}

/**
 * Checks one line after the header: a row of a known table with exactly its columns, in table
 * order after `previous` (the table of the row before, if any), or the closing line.
 */
export function parseLine(text: string, line: number, previous: TableName | undefined): DumpRow | DumpEnd {
  const v = parseJson(text, line);
  if (!isObject(v)) throw dumpInvalid(line, 'expected a JSON object');
  if (v.end === true) {
    if (typeof v.rows !== 'number' || !Number.isSafeInteger(v.rows)) throw dumpInvalid(line, 'closing line needs a number "rows"');
    return { end: true, rows: v.rows };
  }
  const table = v.table;
  if (typeof table !== 'string' || !Object.hasOwn(TABLES, table)) throw dumpInvalid(line, `unknown table ${JSON.stringify(table)}`);
  const t = table as TableName;
  if (previous !== undefined && TABLE_ORDER.indexOf(t) < TABLE_ORDER.indexOf(previous)) throw dumpInvalid(line, `a "${t}" row after "${previous}" rows (the file is out of order)`);
  if (!isObject(v.row)) throw dumpInvalid(line, '"row" must be an object');
  checkColumns(v.row, TABLES[t], line, t);
  for (const [col, values] of Object.entries(ENUMS[t] ?? {})) {
    if (!values.includes(v.row[col] as string)) throw dumpInvalid(line, `${t}.${col}: expected one of ${values.join(', ')}`);
  }
  if (t === 'deliveries') for (const a of v.row.attempt_log as unknown[]) checkColumns(a, ATTEMPT_COLUMNS, line, 'deliveries.attempt_log');
  return { table: t, row: v.row } as DumpRow;
}

function checkColumns(row: unknown, columns: Record<string, ColumnKind>, line: number, what: string): void {
  if (!isObject(row)) throw dumpInvalid(line, `${what}: expected an object`);
  for (const k of Object.keys(row)) if (!Object.hasOwn(columns, k)) throw dumpInvalid(line, `${what}: unknown column "${k}"`);
  for (const [k, kind] of Object.entries(columns)) {
    if (!Object.hasOwn(row, k)) throw dumpInvalid(line, `${what}: missing column "${k}"`);
    if (!fits(row[k], kind)) throw dumpInvalid(line, `${what}.${k}: expected ${KIND_NAMES[kind]}`);
  }
}

const KIND_NAMES: Record<ColumnKind, string> = {
  s: 'a string', 's?': 'a string or null', n: 'a finite number', 'n?': 'a finite number or null', a: 'an array of strings', b: '0 or 1', o: 'an array of objects',
};

function fits(v: unknown, kind: ColumnKind): boolean {
  switch (kind) {
    case 's': return typeof v === 'string';
    case 's?': return v === null || typeof v === 'string';
    case 'n': return typeof v === 'number' && Number.isFinite(v);
    case 'n?': return v === null || (typeof v === 'number' && Number.isFinite(v));
    case 'b': return v === 0 || v === 1;
    case 'a': return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'o': return Array.isArray(v);
  }
}

function parseJson(text: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw dumpInvalid(line, `not JSON (${(err as Error).message})`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
