import { SwitchyardError, isSwitchyardError } from '../core/index.js';

/** Where the store logs (pino-compatible); nothing by default. */
export interface StoreLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentStoreLog: StoreLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A writer of the store that is failing now: since when, and the storage error's code (`SQLITE_FULL`, `ENOSPC`, …). */
export interface WriteFault {
  readonly writer: string;
  readonly code: string;
  readonly message: string;
  readonly since: number;
}

/** The writer of the put path: while it fails the server is not ready (/readyz answers 503). */
export const APPEND_WRITER = 'event log';

/** Retry after a failed background write: first after `minMs`, doubling up to `maxMs`. */
export interface RetryBackoff {
  readonly minMs: number;
  readonly maxMs: number;
}

export const DEFAULT_WRITE_RETRY: RetryBackoff = { minMs: 1000, maxMs: 30_000 };

/** The wait before retry number `failures` (1 = the first retry). */
export function retryDelayMs(failures: number, b: RetryBackoff): number {
  return Math.min(b.maxMs, b.minMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
}

/** Whether `err` is the store's "cannot write now" error (its storage fault is logged once by WriteHealth). */
export function isStoreUnavailable(err: unknown): boolean {
  return isSwitchyardError(err) && err.code === 'SWY_STORE_UNAVAILABLE';
}

/** What the rest of the server reads of WriteHealth (readiness, logs). */
export type StoreWrites = Pick<WriteHealth, 'failing' | 'onChange' | 'classify'>;

/**
 * Whether the store can write, per writer (the put path, the full-text indexer, delivery
 * outcomes, the retention sweep, …). A write that fails with a storage fault — no space left, an
 * I/O error; what counts is the backend's `classify` — marks its writer failing; the writer's
 * next successful write clears it. Each writer's change of state is logged once (failing, then
 * recovered), never each failed attempt: a full disk would otherwise fill the log as well.
 *
 * Invariant: only storage faults are recorded; any other error is the caller's to handle, so a
 * bug never hides behind "disk full".
 */
export class WriteHealth {
  readonly #classify: (err: unknown) => string | undefined;
  readonly #log: StoreLog;
  readonly #now: () => number;
  readonly #faults = new Map<string, WriteFault>();
  readonly #listeners: ((writer: string, fault: WriteFault | undefined) => void)[] = [];

  constructor(deps: { classify: (err: unknown) => string | undefined; log?: StoreLog; now?: () => number }) {
    this.#classify = deps.classify;
    this.#log = deps.log ?? silentStoreLog;
    this.#now = deps.now ?? Date.now;
  }

  /** The fault of `writer`, or of any writer when none is named; undefined when writing. */
  failing(writer?: string): WriteFault | undefined {
    if (writer !== undefined) return this.#faults.get(writer);
    return this.#faults.values().next().value;
  }

  /** The storage error's code when `err` is a storage fault (disk full, I/O error), else undefined. */
  classify(err: unknown): string | undefined {
    return this.#classify(isStoreUnavailable(err) ? (err as Error).cause : err);
  }

  /** A write of `writer` failed: true when `err` is a storage fault (then recorded, logged if new), false otherwise. */
  failed(writer: string, err: unknown): boolean {
    const code = this.classify(err);
    if (code === undefined) return false;
    if (!this.#faults.has(writer)) {
      const fault: WriteFault = { writer, code, message: err instanceof Error ? err.message : String(err), since: this.#now() };
      this.#faults.set(writer, fault);
      this.#log.error({ writer, code, err }, 'store writes failing; retrying in the background');
      this.#tell(writer, fault);
    }
    return true;
  }

  /** A write of `writer` succeeded (`how`: what showed it, for the log). Cheap when nothing is failing. */
  succeeded(writer: string, how?: string): void {
    if (this.#faults.size === 0) return;
    const fault = this.#faults.get(writer);
    if (fault === undefined) return;
    this.#faults.delete(writer);
    this.#log.info({ writer, code: fault.code, failedForMs: this.#now() - fault.since, ...(how === undefined ? {} : { how }) }, 'store writes recovered');
    this.#tell(writer, undefined);
  }

  /**
   * Runs one write of `writer`: a storage fault is recorded and thrown as SWY_STORE_UNAVAILABLE
   * (cause: the original error); any other error is thrown as it is.
   */
  run<R>(writer: string, write: () => R): R {
    let r: R;
    try {
      r = write();
    } catch (err) {
      if (this.failed(writer, err)) throw new SwitchyardError('SWY_STORE_UNAVAILABLE', 'the store cannot write now (disk full or I/O error); retry later', { cause: err });
      throw err;
    }
    this.succeeded(writer);
    return r;
  }

  /** Told when a writer starts failing (with its fault) or recovers (undefined). Listeners must not throw. */
  onChange(listener: (writer: string, fault: WriteFault | undefined) => void): void {
    this.#listeners.push(listener);
  }

  #tell(writer: string, fault: WriteFault | undefined): void {
    for (const l of this.#listeners) {
      try {
        l(writer, fault);
      } catch (err) {
        this.#log.error({ err, writer }, 'write health listener failed');
      }
    }
  }
}
