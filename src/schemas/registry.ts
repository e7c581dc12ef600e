import { KeyedLock, SwitchyardError, type JsonValue } from '../core/index.js';
import type { ValidateFunction } from 'ajv';
import { SchemaCompiler, detectDialect } from './compiler.js';
import { checkCompatibility, type CompatibilityBreak } from './compatibility.js';
import type { BusSchemaSettings, CompatibilityMode, SchemaDialect, SchemaInfo, SchemaStorage, SchemaVersion } from './types.js';

/**
 * What the hot path knows of one schema name: its unscoped schema and its source-scoped ones,
 * each with its latest version and the older ones (events may refer to them: `dataschema`). Only
 * schemas that exist have an entry, so events of unknown types or sources add nothing to memory.
 */
interface NameEntry {
  unscoped: Loaded | undefined;
  readonly scoped: Map<string, Loaded>;
}

/** One schema: its latest version number and its versions (1..latest, immutable), all in memory. */
interface Loaded {
  latest: number;
  readonly versions: Map<number, SchemaVersion>;
}

/** Outcome of adding a version: a new one, or the latest when the schema is identical to it. */
export interface AddVersionResult {
  readonly version: SchemaVersion;
  readonly created: boolean;
}

/** A bus without stored settings: validation off, no discovery. */
const defaultSettings = (bus: string): BusSchemaSettings => ({ bus, validation: 'off', discovery: false, sampleRate: 1 });

/**
 * The schema registry: schemas keyed by (name, source scope), immutable auto-numbered versions,
 * compatibility checked on add, per-bus settings. Reads and writes of the storage are async;
 * the hot path (`applicable`, `latest`, `find`, `settings`, `validatorFor`) is served from
 * memory, loaded by {@link load} before the first put: every version of every schema (bounded by
 * what was registered, never by the events seen) and every bus's stored settings. A write
 * through this object updates memory once committed; a write by any other path (another node, a
 * direct store call) reaches it through the catalog's change feed, which the server wires to
 * {@link schemaChanged}, {@link settingsChanged} and {@link forgetBus}.
 */
export class SchemaRegistry {
  readonly #storage: SchemaStorage;
  readonly #compiler = new SchemaCompiler();
  /** name → schemas with at least one version (filled by load, kept in step by every write and change). */
  readonly #index = new Map<string, NameEntry>();
  /**
   * Compiled validators by version object: the hot path pays no key building, and a version no
   * longer held (deleted) takes its validator with it. A schema deleted and created again gets
   * new version objects, so it never meets the old validators.
   */
  readonly #validators = new WeakMap<SchemaVersion, ValidateFunction>();
  /** Stored settings per bus; a bus without an entry has the defaults. */
  readonly #settings = new Map<string, BusSchemaSettings>();
  /** Re-reads after changes, one at a time in announcement order (a later one never overtakes). */
  #chain: Promise<void> = Promise.resolve();
  /** Adding a version reads the latest, checks against it, then writes: one at a time per schema. */
  readonly #writes = new KeyedLock();

  constructor(storage: SchemaStorage) {
    this.#storage = storage;
  }

  /** Loads every schema's versions and every bus's settings into memory (before serving puts). */
  async load(): Promise<void> {
    const [schemas, settings] = await Promise.all([this.#storage.list(), this.#storage.listSettings()]);
    for (const s of schemas) await this.#reload(s.name, s.source, s);
    for (const st of settings) this.#settings.set(st.bus, st);
  }

  list(): Promise<SchemaInfo[]> {
    return this.#storage.list();
  }

  get(name: string, source: string | null): Promise<SchemaInfo | undefined> {
    return this.#storage.get(name, source);
  }

  /** The schema, or SWY_SCHEMA_NOT_FOUND. */
  async require(name: string, source: string | null): Promise<SchemaInfo> {
    const s = await this.#storage.get(name, source);
    if (s === undefined) throw new SwitchyardError('SWY_SCHEMA_NOT_FOUND', `no schema "${name}"${source === null ? '' : ` for source "${source}"`}`);
    return s;
  }

  /** Creates a schema or updates its description / compatibility mode. */
  upsert(s: { name: string; source: string | null; description?: string | null | undefined; compatibility?: CompatibilityMode | undefined }): Promise<{ schema: SchemaInfo; created: boolean }> {
    return this.#storage.upsert(s);
  }

  /** Deletes a schema with its versions (a schema created again under the name numbers from 1). */
  async delete(name: string, source: string | null): Promise<boolean> {
    const deleted = await this.#storage.delete(name, source);
    this.#drop(name, source);
    return deleted;
  }

  /**
   * A schema was created, changed, given a version or deleted (the change feed): its entry is
   * brought to the committed state. Re-reads run one at a time, in the order of the changes.
   * Never rejects (a failed re-read leaves the entry as it was until the next change).
   */
  schemaChanged(name: string, source: string | null): Promise<void> {
    this.#chain = this.#chain.then(() => this.#reload(name, source), () => undefined).catch(() => undefined);
    return this.#chain;
  }

  /** Resolves when every change told so far has been applied (tests; a caller that wrote elsewhere). */
  settled(): Promise<void> {
    return this.#chain;
  }

  /** A bus's schema settings changed (the change feed): read again, in order with the other changes. */
  settingsChanged(bus: string): Promise<void> {
    this.#chain = this.#chain.then(async () => {
      const st = await this.#storage.settings(bus);
      this.#settings.set(bus, st);
    }).catch(() => undefined);
    return this.#chain;
  }

  /** Brings one schema's entry to the committed state (`info`, when the caller has just read it). */
  async #reload(name: string, source: string | null, info?: SchemaInfo): Promise<void> {
    const now = info ?? await this.#storage.get(name, source);
    const l = this.#loaded(name, source);
    if (now === undefined || now.latestVersion === 0) {
      this.#drop(name, source);
      return;
    }
    if (l !== undefined && l.latest === now.latestVersion && l.versions.size === now.latestVersion) return;
    const versions = await this.#storage.versions(name, source);
    // Deleted and created again (numbered from 1): the old versions are not this schema's.
    if (l !== undefined && l.latest > now.latestVersion) this.#drop(name, source);
    for (const v of versions) this.#remember(v);
  }

  #drop(name: string, source: string | null): void {
    const e = this.#index.get(name);
    if (e === undefined) return;
    if (source === null) e.unscoped = undefined;
    else e.scoped.delete(source);
    if (e.unscoped === undefined && e.scoped.size === 0) this.#index.delete(name);
  }

  /**
   * Adds a version (creating the schema, mode BACKWARD unless given, when missing). The schema
   * must be valid for its dialect and compatible with the latest version under the schema's
   * mode, else SWY_SCHEMA_INVALID / SWY_SCHEMA_INCOMPATIBLE with one violation per problem.
   * Adding a schema identical to the latest version returns that version (idempotent).
   */
  addVersion(v: { name: string; source: string | null; schema: JsonValue; dialect?: SchemaDialect | undefined; origin?: 'api' | 'discovery'; compatibility?: CompatibilityMode | undefined; description?: string | undefined }): Promise<AddVersionResult> {
    return this.#writes.run(`${v.name}\u0000${v.source ?? ''}`, () => this.#addVersion(v));
  }

  async #addVersion(v: Parameters<SchemaRegistry['addVersion']>[0]): Promise<AddVersionResult> {
    const dialect = detectDialect(v.schema, v.dialect);
    this.#compiler.check(dialect, v.schema);
    const info = (await this.#storage.get(v.name, v.source)) ?? (await this.#storage.upsert({ name: v.name, source: v.source, compatibility: v.compatibility, description: v.description })).schema;
    const latest = info.latestVersion === 0 ? undefined : await this.#storage.version(v.name, v.source, info.latestVersion);
    if (latest !== undefined && latest.dialect === dialect && JSON.stringify(latest.schema) === JSON.stringify(v.schema)) {
      return { version: latest, created: false };
    }
    if (latest !== undefined) {
      const breaks = checkCompatibility(info.compatibility, latest.schema, v.schema);
      if (breaks.length > 0) {
        throw new SwitchyardError('SWY_SCHEMA_INCOMPATIBLE', `version ${latest.version + 1} of "${v.name}" breaks ${info.compatibility} compatibility with version ${latest.version} in ${breaks.length} way(s)`, {
          violations: breaks.map((b) => ({ path: b.path, reason: `${b.direction}: ${b.reason}` })),
        });
      }
    }
    const version = await this.#storage.addVersion({ name: v.name, source: v.source, dialect, schema: v.schema, origin: v.origin ?? 'api' });
    this.#remember(version);
    return { version, created: true };
  }

  /** The breaks `schema` would cause as the next version (empty = compatible or no version yet). */
  async compatibility(name: string, source: string | null, schema: JsonValue, dialect?: SchemaDialect): Promise<{ mode: CompatibilityMode; against: number | null; breaks: CompatibilityBreak[] }> {
    const info = await this.require(name, source);
    this.#compiler.check(detectDialect(schema, dialect), schema);
    const latest = info.latestVersion === 0 ? undefined : await this.#storage.version(name, source, info.latestVersion);
    return { mode: info.compatibility, against: latest?.version ?? null, breaks: latest === undefined ? [] : checkCompatibility(info.compatibility, latest.schema, schema) };
  }

  /** A version by number, or SWY_SCHEMA_NOT_FOUND / SWY_SCHEMA_VERSION_NOT_FOUND. */
  async version(name: string, source: string | null, version: number | 'latest'): Promise<SchemaVersion> {
    const info = await this.require(name, source);
    const n = version === 'latest' ? info.latestVersion : version;
    const v = n === 0 ? undefined : await this.#storage.version(name, source, n);
    if (v === undefined) throw new SwitchyardError('SWY_SCHEMA_VERSION_NOT_FOUND', `schema "${name}" has no version ${version}`);
    return v;
  }

  async versions(name: string, source: string | null): Promise<SchemaVersion[]> {
    await this.require(name, source);
    return this.#storage.versions(name, source);
  }

  /** Records `v` as loaded; a newer version number becomes the latest. */
  #remember(v: SchemaVersion): void {
    let e = this.#index.get(v.name);
    if (e === undefined) this.#index.set(v.name, (e = { unscoped: undefined, scoped: new Map() }));
    let l = v.source === null ? e.unscoped : e.scoped.get(v.source);
    if (l === undefined) {
      l = { latest: v.version, versions: new Map() };
      if (v.source === null) e.unscoped = l;
      else e.scoped.set(v.source, l);
    }
    if (v.version > l.latest) l.latest = v.version;
    // The object already held stays (its compiled validator with it).
    if (!l.versions.has(v.version)) l.versions.set(v.version, v);
  }

  #loaded(name: string, source: string | null): Loaded | undefined {
    const e = this.#index.get(name);
    return e === undefined ? undefined : source === null ? e.unscoped : e.scoped.get(source);
  }

  /** The newest version of the schema (name, source scope); undefined when it has none. */
  latest(name: string, source: string | null): SchemaVersion | undefined {
    const l = this.#loaded(name, source);
    return l === undefined ? undefined : l.versions.get(l.latest);
  }

  /**
   * The schema that applies to an event of this type and source: the one scoped to the source
   * when it exists, else the unscoped one (latest versions). Allocates nothing.
   */
  applicable(type: string, source: string): SchemaVersion | undefined {
    const e = this.#index.get(type);
    if (e === undefined) return undefined;
    const l = (e.scoped.size === 0 ? undefined : e.scoped.get(source)) ?? e.unscoped;
    return l === undefined ? undefined : l.versions.get(l.latest);
  }

  /** Looks a version up by number without throwing (for dataschema references), from memory. */
  find(name: string, source: string | null, version: number): SchemaVersion | undefined {
    return this.#loaded(name, source)?.versions.get(version);
  }

  /** The compiled validator of a version, compiled once. */
  validatorFor(v: SchemaVersion): ValidateFunction {
    let fn = this.#validators.get(v);
    if (fn === undefined) {
      fn = this.#compiler.compile(v.dialect, v.schema);
      this.#validators.set(v, fn);
    }
    return fn;
  }

  /** A bus's settings, from memory (the defaults when it has none stored). */
  settings(bus: string): BusSchemaSettings {
    return this.#settings.get(bus) ?? defaultSettings(bus);
  }

  async setSettings(s: BusSchemaSettings): Promise<BusSchemaSettings> {
    if (!Number.isFinite(s.sampleRate) || s.sampleRate <= 0 || s.sampleRate > 1) {
      throw new SwitchyardError('SWY_SCHEMA_INVALID_REQUEST', 'sampleRate must be in (0, 1]', { violations: [{ path: '/sampleRate', reason: 'must be greater than 0 and at most 1' }] });
    }
    const saved = await this.#storage.setSettings(s);
    this.#settings.set(s.bus, saved);
    return saved;
  }

  /** Forgets the settings of a deleted bus (its row went with the bus). */
  forgetBus(bus: string): void {
    this.#settings.delete(bus);
  }
}
