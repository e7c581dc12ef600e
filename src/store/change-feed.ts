import { silentStoreLog, type StoreLog } from './write-health.js';

/**
 * One committed change to the catalog. It names what changed (identity, not the record): a
 * subscriber re-reads what it needs, so a backend may carry changes in small notifications
 * (PostgreSQL NOTIFY payloads) and a subscriber never acts on a stale copy.
 *
 * - `rule` put: created or replaced (enabled, disabled, filter or targets changed); `created`
 *   tells which. Deleting a bus announces a `rule` delete for each of its rules, then the `bus` delete.
 * - `schema` put: created, its description or compatibility changed, or a version added.
 * - `schema-settings`: a bus's validation/discovery settings changed.
 * - `signing-secrets`: a target's signing secrets were rotated (`target` is the target key).
 * - `schedule`: a schedule was put or deleted (a fire moving its cursor is not announced).
 * - `source` put: an event source was created, replaced, paused or resumed (counters are not announced).
 */
export type CatalogChange =
  | { readonly type: 'bus'; readonly op: 'put' | 'delete'; readonly bus: string }
  | { readonly type: 'rule'; readonly op: 'put'; readonly bus: string; readonly name: string; readonly created: boolean }
  | { readonly type: 'rule'; readonly op: 'delete'; readonly bus: string; readonly name: string }
  | { readonly type: 'schema'; readonly op: 'put' | 'delete'; readonly name: string; readonly source: string | null }
  | { readonly type: 'schema-settings'; readonly op: 'put'; readonly bus: string }
  | { readonly type: 'connection'; readonly op: 'put' | 'delete'; readonly name: string }
  | { readonly type: 'signing-secrets'; readonly op: 'put'; readonly target: string }
  | { readonly type: 'schedule'; readonly op: 'put' | 'delete'; readonly name: string }
  | { readonly type: 'source'; readonly op: 'put' | 'delete'; readonly name: string };

/**
 * Told of each committed catalog change. Runs synchronously inside the store's announcement:
 * keep it short (update an in-memory view, wake a worker, start async work without awaiting it).
 * A listener that throws is logged by the store and does not stop the others.
 */
export type CatalogListener = (change: CatalogChange) => void;

/**
 * The catalog's change feed, the same on every backend. Requirements of an implementation:
 * - a change is announced only after the transaction that made it committed, never for one
 *   rolled back, and once per committed change;
 * - every listener sees the changes in commit order (a change made by a listener is announced
 *   after the one it reacts to has reached every listener);
 * - the changes of every node reach every node's listeners (the embedded backend has one
 *   process; a cluster backend relays its engine's notifications, e.g. LISTEN/NOTIFY);
 * - a listener's failure never reaches the writer.
 */
export interface CatalogWatch {
  /** Subscribes; returns the unsubscribe (idempotent). Changes committed before the call are not replayed. */
  watch(listener: CatalogListener): () => void;
}

/**
 * In-process fan-out of committed changes, used by a backend to implement {@link CatalogWatch}.
 * `announce` is called by the backend after its commit. Announcements made while listeners run
 * (a listener that writes the catalog) are queued and delivered after the current one, so every
 * listener sees one order.
 */
export class ChangeFeed implements CatalogWatch {
  readonly #listeners = new Set<{ readonly fn: CatalogListener }>();
  readonly #queue: CatalogChange[] = [];
  readonly #log: StoreLog;
  #announcing = false;

  constructor(log: StoreLog = silentStoreLog) {
    this.#log = log;
  }

  watch(listener: CatalogListener): () => void {
    // A wrapper per subscription: the same function may subscribe twice and unsubscribe once.
    const entry = { fn: listener };
    this.#listeners.add(entry);
    return () => void this.#listeners.delete(entry);
  }

  /** Announces committed changes, in order. Never throws. */
  announce(...changes: CatalogChange[]): void {
    this.#queue.push(...changes);
    if (this.#announcing) return;
    this.#announcing = true;
    try {
      for (let c = this.#queue.shift(); c !== undefined; c = this.#queue.shift()) {
        for (const l of [...this.#listeners]) {
          // Unsubscribed by an earlier listener of this change: not told.
          if (!this.#listeners.has(l)) continue;
          try {
            l.fn(c);
          } catch (err) {
            this.#log.error({ err, change: c }, 'a catalog change listener failed');
          }
        }
      }
    } finally {
      this.#announcing = false;
    }
  }
}
