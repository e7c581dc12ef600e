import { CLEAN_BREAKER, type BreakerBoard, type BreakerChange, type BreakerListener, type BreakerRecord, type BreakerSettings, type BreakerWrite } from './breaker-types.js';
import type { TargetKey } from './delivery-types.js';

const keyId = (k: TargetKey): string => `${k.bus}\u0000${k.rule}\u0000${k.target}`;

/**
 * The circuit breakers of one process, in memory (the embedded store, and any store that offers
 * no shared board). Kept in memory only on purpose: after a restart a breaker is relearnt within
 * `failureThreshold` attempts. Each write changes the record before its promise is made, so a
 * caller reading its own view right after sees it; watchers are told synchronously.
 */
export class LocalBreakerBoard implements BreakerBoard {
  readonly #records = new Map<string, BreakerRecord>();
  readonly #listeners = new Set<{ readonly fn: BreakerListener }>();

  load(key: TargetKey): Promise<BreakerRecord> {
    return Promise.resolve(this.#records.get(keyId(key)) ?? CLEAN_BREAKER);
  }

  failure(key: TargetKey, settings: BreakerSettings, now: number): Promise<BreakerWrite> {
    const r = this.#get(key);
    const failures = r.failures + 1;
    const opens = r.openUntil !== null || failures >= settings.failureThreshold;
    // Closed → open at the threshold; a failure while open or half-open (a failed probe) opens again.
    const change: BreakerChange = (r.openUntil === null && opens) || (r.openUntil !== null && r.openUntil <= now) ? 'opened' : null;
    return this.#put(key, { failures, openUntil: opens ? now + settings.openMs : null, probeUntil: null, version: r.version + 1 }, change);
  }

  success(key: TargetKey): Promise<BreakerWrite> {
    const r = this.#get(key);
    if (r.failures === 0 && r.openUntil === null && r.probeUntil === null) return Promise.resolve({ record: r, change: null });
    return this.#put(key, { failures: 0, openUntil: null, probeUntil: null, version: r.version + 1 }, r.openUntil === null ? null : 'closed');
  }

  claimProbe(key: TargetKey, now: number, until: number): Promise<BreakerWrite> {
    const r = this.#get(key);
    const halfOpen = r.openUntil !== null && r.openUntil <= now;
    if (!halfOpen || (r.probeUntil !== null && r.probeUntil > now)) return Promise.resolve({ record: r, change: null });
    return this.#put(key, { ...r, probeUntil: until, version: r.version + 1 }, 'probing');
  }

  reset(key: TargetKey): Promise<BreakerWrite> {
    return this.success(key);
  }

  watch(listener: BreakerListener): () => void {
    const entry = { fn: listener };
    this.#listeners.add(entry);
    return () => void this.#listeners.delete(entry);
  }

  #get(key: TargetKey): BreakerRecord {
    return this.#records.get(keyId(key)) ?? CLEAN_BREAKER;
  }

  #put(key: TargetKey, record: BreakerRecord, change: BreakerChange): Promise<BreakerWrite> {
    this.#records.set(keyId(key), record);
    for (const l of [...this.#listeners]) l.fn(key, record);
    return Promise.resolve({ record, change });
  }
}
