/**
 * Archives (docs/replay.md): a named, filtered copy of a bus's events with a retention of its
 * own (longer than the bus's, or forever), kept for replay after the bus has dropped them.
 *
 * An archive is fed at append: the put path decides which archives of the bus an event matches
 * (their patterns are compiled with the rules, in src/streams) and names them on the AppendItem
 * (`archives`); the backend writes the archived copies in the append's own transaction, so an
 * acknowledged event is in every archive it matched. Archived events keep their bus sequence.
 */

export interface ArchiveRecord {
  readonly bus: string;
  readonly name: string;
  readonly description: string | null;
  /** The event pattern an event must match to be archived (validated by the caller), or null: every event. */
  readonly pattern: unknown;
  /** How long an archived event is kept (ms after it was received), or null: forever. */
  readonly retentionMs: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewArchive {
  readonly bus: string;
  readonly name: string;
  readonly description: string | null;
  readonly pattern: unknown;
  readonly retentionMs: number | null;
}

export interface ArchiveStats {
  /** Archived events held now. */
  readonly events: number;
  /** Their total size (bytes of event text). */
  readonly bytes: number;
}

/** Archives and their archived events. Every method may touch I/O. */
export interface ArchiveStore {
  /** Creates or replaces an archive (its archived events stay); undefined when the bus does not exist. */
  put(archive: NewArchive): Promise<{ archive: ArchiveRecord; created: boolean } | undefined>;
  get(bus: string, name: string): Promise<ArchiveRecord | undefined>;
  /** Every archive (of one bus when given), by bus then name. */
  list(bus?: string): Promise<ArchiveRecord[]>;
  /** Deletes the archive and its archived events; false when it did not exist. A deleted bus takes its archives with it. */
  delete(bus: string, name: string): Promise<boolean>;
  stats(bus: string, name: string): Promise<ArchiveStats>;
  /** Deletes archived events past their archive's retention (at most `limit` per archive); answers how many. */
  sweep(now: number, limit: number): Promise<number>;
}
