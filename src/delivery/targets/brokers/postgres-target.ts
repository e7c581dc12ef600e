import pg from 'pg';
import type { JsonValue, Violation } from '../../../core/index.js';
import { compilePath, type CompiledPath } from '../../../transform/index.js';
import type { Target } from '../../target.js';
import type { TargetDeps } from '../deps.js';
import { BrokerTarget, networkFailure, UnsendableError, type BrokerDriver, type DriverFailure } from './broker-target.js';
import type { BrokerMessage } from './ce-binding.js';
import { KeyTemplate } from '../key-template.js';
import { BROKER_FIELDS, brokerOptionsOf, checkBrokerFields } from './shared-spec.js';

type SpecObject = Readonly<Record<string, unknown>>;

export const POSTGRES_FIELDS = [...BROKER_FIELDS, 'table', 'columns', 'onConflict', 'channel'] as const;

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const MAX_COLUMNS = 64;
/** PostgreSQL's NOTIFY payload limit (bytes, default build). */
export const MAX_NOTIFY_BYTES = 7999;

export function checkPostgresSpec(t: SpecObject, path: string, out: Violation[]): void {
  checkBrokerFields(t, ['postgres', 'postgresql'], path, out, ['structured']);
  const hasTable = t.table !== undefined;
  const hasChannel = t.channel !== undefined;
  if (hasTable === hasChannel) {
    out.push({ path: `${path}/table`, reason: 'give either "table" (with "columns") to insert rows, or "channel" to NOTIFY' });
    return;
  }
  if (hasChannel) {
    KeyTemplate.check(t, 'channel', path, out);
    for (const f of ['columns', 'onConflict']) if (t[f] !== undefined) out.push({ path: `${path}/${f}`, reason: 'applies to "table" only' });
    return;
  }
  const table = t.table;
  if (typeof table !== 'string' || !table.split('.').every((p) => IDENT.test(p)) || table.split('.').length > 2) out.push({ path: `${path}/table`, reason: 'must be a table name, optionally schema-qualified (letters, digits, _; at most 63 each)' });
  const cols = t.columns;
  if (typeof cols !== 'object' || cols === null || Array.isArray(cols) || Object.keys(cols).length === 0 || Object.keys(cols).length > MAX_COLUMNS) {
    out.push({ path: `${path}/columns`, reason: `must be an object of 1 to ${MAX_COLUMNS} column name → JSONPath into the event` });
  } else {
    for (const [name, p] of Object.entries(cols)) {
      const at = `${path}/columns/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!IDENT.test(name)) out.push({ path: at, reason: 'is not a column name (letters, digits, _; at most 63)' });
      if (typeof p !== 'string') out.push({ path: at, reason: 'must be a JSONPath string' });
      else {
        const c = compilePath(p);
        if (!c.ok) out.push({ path: at, reason: `invalid JSONPath "${p.slice(0, 100)}": ${c.reason}` });
      }
    }
  }
  if (t.onConflict !== undefined && t.onConflict !== 'error' && t.onConflict !== 'ignore') out.push({ path: `${path}/onConflict`, reason: 'must be "error" or "ignore"' });
}

const quote = (ident: string): string => `"${ident}"`;

/** A column value as a query parameter: objects and arrays as JSON text (cast by json/jsonb columns), missing as NULL. */
function param(v: JsonValue | undefined): unknown {
  if (v === undefined || v === null) return null;
  return typeof v === 'object' ? JSON.stringify(v) : v;
}

type Sink =
  | { readonly type: 'insert'; readonly sqlHead: string; readonly sqlTail: string; readonly columns: readonly CompiledPath[] }
  | { readonly type: 'notify'; readonly channel: KeyTemplate };

/**
 * PostgreSQL: inserts one row per message through a column mapping (column → JSONPath into the
 * JSON-format event; `$` is the whole event), all messages of a send in one multi-row INSERT
 * (one transaction, in order), or NOTIFYs a channel with the JSON-format event through
 * `pg_notify` (the channel is a parameter, so it may be templated). Success is the statement's
 * completion: committed. Identifiers are checked when the rule is saved and quoted; every value
 * is a bound parameter.
 */
class PostgresDriver implements BrokerDriver<pg.Pool> {
  readonly kind = 'postgres';
  readonly #sink: Sink;
  readonly #timeoutMs: number;

  constructor(spec: SpecObject, timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
    if (typeof spec.channel === 'string') {
      this.#sink = { type: 'notify', channel: KeyTemplate.of(spec, 'channel') };
      return;
    }
    const entries = Object.entries(spec.columns as Record<string, string>);
    const table = (spec.table as string).split('.').map(quote).join('.');
    this.#sink = {
      type: 'insert',
      sqlHead: `INSERT INTO ${table} (${entries.map(([c]) => quote(c)).join(', ')}) VALUES `,
      sqlTail: spec.onConflict === 'ignore' ? ' ON CONFLICT DO NOTHING' : '',
      columns: entries.map(([, p]) => (compilePath(p) as { ok: true; path: CompiledPath }).path),
    };
  }

  async connect(url: URL): Promise<pg.Pool> {
    const pool = new pg.Pool({
      connectionString: url.href,
      max: 4,
      connectionTimeoutMillis: Math.min(this.#timeoutMs, 10_000),
      idleTimeoutMillis: 30_000,
      query_timeout: this.#timeoutMs,
      application_name: 'switchyard-target',
    });
    // an idle client the server disconnected: the pool drops it; the next query gets a fresh one
    pool.on('error', () => undefined);
    return pool;
  }

  async publish(pool: pg.Pool, messages: readonly BrokerMessage[]): Promise<void> {
    const sink = this.#sink;
    if (sink.type === 'notify') {
      const notes = messages.map((m) => {
        const r = sink.channel.render(m.json, m.source);
        if (!r.ok) throw new UnsendableError(r.reason);
        if (m.body.length > MAX_NOTIFY_BYTES) throw new UnsendableError(`the payload is ${m.body.length} bytes; NOTIFY takes at most ${MAX_NOTIFY_BYTES}`);
        return [r.key, m.body.toString('utf8')];
      });
      // one statement: the notifications are sent together at commit, in order
      const values = notes.map((_, i) => `pg_notify($${2 * i + 1}, $${2 * i + 2})`).join(', ');
      await pool.query(`SELECT ${values}`, notes.flat());
      return;
    }
    const params: unknown[] = [];
    const rows = messages.map((m) => {
      const ev = m.json();
      const slots = sink.columns.map((p) => {
        params.push(param(p.select(ev)));
        return `$${params.length}`;
      });
      return `(${slots.join(', ')})`;
    });
    await pool.query(`${sink.sqlHead}${rows.join(', ')}${sink.sqlTail}`, params);
  }

  async close(pool: pg.Pool): Promise<void> {
    await pool.end();
  }

  classify(err: unknown): DriverFailure {
    const net = networkFailure(err);
    if (net !== undefined) return net;
    const e = err as { code?: unknown; message?: string };
    const msg = e.message ?? String(err);
    const code = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
    if (code === undefined) {
      if (/timeout/i.test(msg)) return { errorClass: 'timeout', message: msg, drop: true };
      return { errorClass: 'network', message: msg, drop: true };
    }
    const text = `${code}: ${msg}`;
    const cls = code.slice(0, 2);
    if (cls === '08' || code === '57P01' || code === '57P02' || code === '57P03') return { errorClass: 'network', message: text, drop: true };
    if (cls === '28' || code === '3D000') return { errorClass: 'config', message: text, drop: true };
    if (cls === '42') return { errorClass: 'config', message: text, drop: false };
    if (cls === '22' || cls === '23') return { errorClass: 'rejected', message: text, drop: false };
    return { errorClass: 'io', message: text, drop: false };
  }
}

export function createPostgresTarget(spec: SpecObject, deps: TargetDeps): Target {
  const options = brokerOptionsOf(spec, 'structured');
  return new BrokerTarget(new PostgresDriver(spec, options.timeoutMs), options, deps);
}
