// Circuit breakers shared by every node of a cluster (migration 014, `circuit_breakers`): each
// write is one statement that changes the target's row under its row lock, answers the whole row
// and what this write did (`change`), and NOTIFYs the row to every node in the same commit. The
// engine keeps a view per target (src/delivery/engine/circuit-breaker.ts) and writes only on a
// failure, on a success after failures, and to claim a probe: the hot path of a healthy target
// never reaches PostgreSQL.
import type pg from 'pg';
import { CLEAN_BREAKER, type BreakerBoard, type BreakerListener, type BreakerRecord, type BreakerSettings, type BreakerWrite, type BreakerChange } from '../../breaker-types.js';
import type { TargetKey } from '../../delivery-types.js';
import type { StoreLog } from '../../write-health.js';
import type { BreakerNote, ChangeRelay } from './change-relay.js';
import { MAX_NOTIFY_PAYLOAD } from './notify-channels.js';

const COLUMNS = 'bus, rule, target, failures, open_until, probe_until, version, change';

/**
 * Wraps a write (`w`, RETURNING COLUMNS) so its row is NOTIFYed on `$channel` too (a row whose
 * names are too long for a payload is not: other nodes read it at their next refresh).
 */
const notifying = (write: string, channel: string): string => `
  WITH w AS (${write}),
  n AS (SELECT w.*, json_build_array(w.bus, w.rule, w.target, w.failures, w.open_until, w.probe_until, w.version)::text AS note FROM w)
  SELECT ${COLUMNS}, CASE WHEN octet_length(note) <= ${MAX_NOTIFY_PAYLOAD} THEN pg_notify(${channel}, note) END AS notified FROM n`;

// $1 bus, $2 rule, $3 target, $4 failureThreshold, $5 openMs, $6 now. A failure while open or
// half-open opens it again from now; `change` is 'opened' only for closed → open and half-open → open.
const FAILURE = `
  INSERT INTO circuit_breakers AS b (bus, rule, target, failures, open_until, probe_until, version, change)
  VALUES ($1, $2, $3, 1, CASE WHEN 1 >= $4::int8 THEN $6::int8 + $5::int8 END, NULL, 1, CASE WHEN 1 >= $4::int8 THEN 'opened' END)
  ON CONFLICT (bus, rule, target) DO UPDATE SET
    failures = b.failures + 1,
    open_until = CASE WHEN b.open_until IS NOT NULL OR b.failures + 1 >= $4::int8 THEN $6::int8 + $5::int8 END,
    probe_until = NULL,
    version = b.version + 1,
    change = CASE WHEN (b.open_until IS NULL AND b.failures + 1 >= $4::int8) OR b.open_until <= $6::int8 THEN 'opened' END
  RETURNING ${COLUMNS}`;

// $1–$3 the target. Only a breaker that is not clean is written.
const SUCCESS = `
  UPDATE circuit_breakers b SET failures = 0, open_until = NULL, probe_until = NULL, version = b.version + 1,
    change = CASE WHEN b.open_until IS NOT NULL THEN 'closed' END
  WHERE bus = $1 AND rule = $2 AND target = $3 AND (b.failures > 0 OR b.open_until IS NOT NULL OR b.probe_until IS NOT NULL)
  RETURNING ${COLUMNS}`;

// $1–$3 the target, $4 now, $5 until. The one conditional UPDATE that lets exactly one node probe.
const CLAIM = `
  UPDATE circuit_breakers b SET probe_until = $5::int8, version = b.version + 1, change = 'probing'
  WHERE bus = $1 AND rule = $2 AND target = $3 AND b.open_until IS NOT NULL AND b.open_until <= $4::int8
    AND (b.probe_until IS NULL OR b.probe_until <= $4::int8)
  RETURNING ${COLUMNS}`;

const READ = `SELECT ${COLUMNS} FROM circuit_breakers WHERE bus = $1 AND rule = $2 AND target = $3`;
/** Every breaker (one row per target that has failed): told again after the change feed reconnects. */
const READ_ALL = `SELECT ${COLUMNS} FROM circuit_breakers`;

interface Row { bus: string; rule: string; target: string; failures: number; open_until: number | null; probe_until: number | null; version: number; change: string | null }

const recordOf = (r: Row): BreakerRecord => ({ failures: Number(r.failures), openUntil: r.open_until === null ? null : Number(r.open_until), probeUntil: r.probe_until === null ? null : Number(r.probe_until), version: Number(r.version) });
const keyArgs = (k: TargetKey): string[] => [k.bus, k.rule, k.target];

export class PgBreakerBoard implements BreakerBoard {
  readonly #pool: pg.Pool;
  readonly #relay: ChangeRelay;
  readonly #log: StoreLog;
  readonly #sql: { readonly failure: string; readonly success: string; readonly claim: string };
  readonly #listeners = new Set<{ readonly fn: BreakerListener }>();
  #unwatch: (() => void) | undefined;

  constructor(pool: pg.Pool, relay: ChangeRelay, log: StoreLog) {
    this.#pool = pool;
    this.#relay = relay;
    this.#log = log;
    // The channel is a literal (a fixed-format identifier, not user input), so each statement is one round trip.
    const ch = `'${relay.breakerChannel}'`;
    this.#sql = { failure: notifying(FAILURE, ch), success: notifying(SUCCESS, ch), claim: notifying(CLAIM, ch) };
  }

  async load(key: TargetKey): Promise<BreakerRecord> {
    const { rows } = await this.#pool.query<Row>(READ, keyArgs(key));
    return rows[0] === undefined ? CLEAN_BREAKER : recordOf(rows[0]);
  }

  async failure(key: TargetKey, settings: BreakerSettings, now: number): Promise<BreakerWrite> {
    const { rows } = await this.#pool.query<Row>(this.#sql.failure, [...keyArgs(key), settings.failureThreshold, settings.openMs, now]);
    return this.#written(rows[0]!);
  }

  async success(key: TargetKey): Promise<BreakerWrite> {
    const { rows } = await this.#pool.query<Row>(this.#sql.success, keyArgs(key));
    return rows[0] === undefined ? { record: await this.load(key), change: null } : this.#written(rows[0]);
  }

  async claimProbe(key: TargetKey, now: number, until: number): Promise<BreakerWrite> {
    const { rows } = await this.#pool.query<Row>(this.#sql.claim, [...keyArgs(key), now, until]);
    return rows[0] === undefined ? { record: await this.load(key), change: null } : this.#written(rows[0]);
  }

  reset(key: TargetKey): Promise<BreakerWrite> {
    return this.success(key);
  }

  watch(listener: BreakerListener): () => void {
    const entry = { fn: listener };
    this.#listeners.add(entry);
    this.#unwatch ??= this.#relay.watchBreakers((n) => this.#tell(n), () => void this.#resync());
    return () => {
      this.#listeners.delete(entry);
      if (this.#listeners.size === 0) {
        this.#unwatch?.();
        this.#unwatch = undefined;
      }
    };
  }

  /** After the change feed reconnects: every breaker told again (watchers keep the newest version). */
  async #resync(): Promise<void> {
    try {
      const { rows } = await this.#pool.query<Row>(READ_ALL);
      for (const r of rows) {
        const rec = recordOf(r);
        this.#tell([r.bus, r.rule, r.target, rec.failures, rec.openUntil, rec.probeUntil, rec.version]);
      }
    } catch (err) {
      this.#log.warn({ err }, 'reading the circuit breakers again after a reconnect failed; they are read again at the next one');
    }
  }

  #written(r: Row): BreakerWrite {
    return { record: recordOf(r), change: r.change as BreakerChange };
  }

  #tell(n: BreakerNote): void {
    const key = { bus: n[0], rule: n[1], target: n[2] };
    const record: BreakerRecord = { failures: n[3], openUntil: n[4], probeUntil: n[5], version: n[6] };
    for (const l of [...this.#listeners]) {
      try {
        l.fn(key, record);
      } catch (err) {
        this.#log.error({ err }, 'circuit breaker listener failed');
      }
    }
  }
}
