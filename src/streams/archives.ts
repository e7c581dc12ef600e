import { SwitchyardError, isSwitchyardError, type Violation } from '../core/index.js';
import type { ArchiveRecord, ArchiveStats, Store } from '../store/index.js';
import { ArchiveRouter } from './archive-router.js';

/** Longest finite archive retention: 100 years (null keeps events forever). */
export const MAX_ARCHIVE_RETENTION_MS = 100 * 365 * 24 * 3600 * 1000;

export interface ArchiveInput {
  readonly description?: string | null | undefined;
  readonly pattern?: unknown;
  /** ms, or null/undefined for forever. */
  readonly retentionMs?: number | null | undefined;
}

/**
 * Archives of buses: validates and stores them, and keeps the put path's {@link ArchiveRouter}
 * in step (this process changes archives through here; `load` reads them all at start).
 */
export class ArchiveService {
  readonly #store: Store;
  readonly router = new ArchiveRouter();

  constructor(store: Store) {
    this.#store = store;
  }

  async load(): Promise<void> {
    for (const a of await this.#store.archives.list()) {
      try {
        this.router.set(a);
      } catch {
        // An archive whose pattern no longer compiles archives nothing until it is put again.
      }
    }
  }

  async put(bus: string, name: string, input: ArchiveInput): Promise<{ archive: ArchiveRecord; created: boolean }> {
    const violations: Violation[] = [];
    const pattern = input.pattern ?? null;
    if (pattern !== null) {
      try {
        ArchiveRouter.validate(pattern);
      } catch (e) {
        if (!isSwitchyardError(e)) throw e;
        violations.push({ path: '/pattern', reason: e.message });
      }
    }
    const retentionMs = input.retentionMs ?? null;
    if (retentionMs !== null && (!Number.isSafeInteger(retentionMs) || retentionMs < 1000 || retentionMs > MAX_ARCHIVE_RETENTION_MS)) {
      violations.push({ path: '/retentionMs', reason: `must be an integer from 1000 to ${MAX_ARCHIVE_RETENTION_MS}, or null (forever)` });
    }
    if (violations.length > 0) throw new SwitchyardError('SWY_ARCHIVE_INVALID', `invalid archive: ${violations.map((v) => `${v.path} ${v.reason}`).join('; ')}`, { violations });
    const out = await this.#store.archives.put({ bus, name, description: input.description ?? null, pattern, retentionMs });
    if (out === undefined) throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${bus}" does not exist`);
    this.router.set(out.archive);
    return out;
  }

  async get(bus: string, name: string): Promise<{ archive: ArchiveRecord; stats: ArchiveStats }> {
    const archive = await this.#store.archives.get(bus, name);
    if (archive === undefined) throw notFound(bus, name);
    return { archive, stats: await this.#store.archives.stats(bus, name) };
  }

  async list(bus?: string): Promise<ArchiveRecord[]> {
    return this.#store.archives.list(bus);
  }

  async delete(bus: string, name: string): Promise<void> {
    this.router.remove(bus, name);
    if (!await this.#store.archives.delete(bus, name)) throw notFound(bus, name);
  }

  /** A deleted bus's archives went with it (the store): forget them here too. */
  busDeleted(bus: string): void {
    this.router.dropBus(bus);
  }
}

function notFound(bus: string, name: string): SwitchyardError {
  return new SwitchyardError('SWY_ARCHIVE_NOT_FOUND', `no archive "${name}" on bus "${bus}"`);
}
