import { SwitchyardError, type JsonValue } from '../core/index.js';
import type { ValidateFunction } from 'ajv';
import { SchemaCompiler, detectDialect } from './compiler.js';
import { checkCompatibility, type CompatibilityBreak } from './compatibility.js';
import type { BusSchemaSettings, CompatibilityMode, SchemaDialect, SchemaInfo, SchemaStorage, SchemaVersion } from './types.js';

/**
 * What the hot path knows of one schema name: its unscoped schema and its source-scoped ones,
 * each with its latest version and the older versions events referred to (`dataschema`). Only
 * schemas that exist have an entry, so events of unknown types or sources add nothing to memory.
 */
interface NameEntry {
  unscoped: Loaded | undefined;
  readonly scoped: Map<string, Loaded>;
}

/** One schema: its latest version number and the versions in memory (1..latest exist, immutable). */
interface Loaded {
  latest: number;
  readonly versions: Map<number, SchemaVersion>;
}

/** Outcome of adding a version: a new one, or the latest when the schema is identical to it. */
export interface AddVersionResult {
  readonly version: SchemaVersion;
  readonly created: boolean;
}

/**
 * The schema registry: schemas keyed by (name, source scope), immutable auto-numbered versions,
 * compatibility checked on add, per-bus settings. The hot path (`applicable`, `latest`, `find`,
 * `settings`, `validatorFor`) is served from memory: an index of every schema that has versions
 * (bounded by what was registered, never by the events seen). A write through this object
 * updates the index at once; a write by any other path (another node, a direct store call)
 * reaches it through the catalog's change feed, which the server wires to {@link schemaChanged},
 * {@link settingsChanged} and {@link forgetBus}.
 */
export class SchemaRegistry {
  readonly #storage: SchemaStorage;
  readonly #compiler = new SchemaCompiler();
  /** name → schemas with at least one version; loaded on first use, kept in step by every write. */
  #index: Map<string, NameEntry> | undefined;
  /**
   * Compiled validators by version object: the hot path pays no key building, and a version no
   * longer held (superseded, deleted) takes its validator with it. A schema deleted and created
   * again gets new version objects, so it never meets the old validators.
   */
  readonly #validators = new WeakMap<SchemaVersion, ValidateFunction>();
  readonly #settings = new Map<string, BusSchemaSettings>();

  constructor(storage: SchemaStorage) {
    this.#storage = storage;
  }

  list(): SchemaInfo[] {
    return this.#storage.list();
  }

  get(name: string, source: string | null): SchemaInfo | undefined {
    return this.#storage.get(name, source);
  }

  /** The schema, or SWY_SCHEMA_NOT_FOUND. */
  require(name: string, source: string | null): SchemaInfo {
    const s = this.#storage.get(name, source);
    if (s === undefined) throw new SwitchyardError('SWY_SCHEMA_NOT_FOUND', `no schema "${name}"${source === null ? '' : ` for source "${source}"`}`);
    return s;
  }

  /** Creates a schema or updates its description / compatibility mode. */
  upsert(s: { name: string; source: string | null; description?: string | null | undefined; compatibility?: CompatibilityMode | undefined }): { schema: SchemaInfo; created: boolean } {
    return this.#storage.upsert(s);
  }

  /** Deletes a schema with its versions (a schema created again under the name numbers from 1). */
  delete(name: string, source: string | null): boolean {
    this.#drop(name, source);
    return this.#storage.delete(name, source);
  }

  /**
   * A schema was created, changed, given a version or deleted (the change feed): its entry is
   * brought to the committed state. Never throws for a schema that is gone.
   */
  schemaChanged(name: string, source: string | null): void {
    // Not loaded yet: the first use loads the committed state.
    if (this.#index === undefined) return;
    const info = this.#storage.get(name, source);
    const l = this.#loaded(name, source);
    if (info === undefined || info.latestVersion === 0) {
      this.#drop(name, source);
      return;
    }
    if (l !== undefined && l.latest === info.latestVersion) return;
    // Deleted and created again (numbered from 1): the old versions are not this schema's.
    if (l !== undefined && l.latest > info.latestVersion) this.#drop(name, source);
    const v = this.#storage.version(name, source, info.latestVersion);
    if (v !== undefined) this.#remember(v);
  }

  /** A bus's schema settings changed (the change feed): they are read again on next use. */
  settingsChanged(bus: string): void {
    this.#settings.delete(bus);
  }

  #drop(name: string, source: string | null): void {
    const e = this.#index?.get(name);
    if (e === undefined) return;
    if (source === null) e.unscoped = undefined;
    else e.scoped.delete(source);
    if (e.unscoped === undefined && e.scoped.size === 0) this.#index?.delete(name);
  }

  /**
   * Adds a version (creating the schema, mode BACKWARD unless given, when missing). The schema
   * must be valid for its dialect and compatible with the latest version under the schema's
   * mode, else SWY_SCHEMA_INVALID / SWY_SCHEMA_INCOMPATIBLE with one violation per problem.
   * Adding a schema identical to the latest version returns that version (idempotent).
   */
  addVersion(v: { name: string; source: string | null; schema: JsonValue; dialect?: SchemaDialect | undefined; origin?: 'api' | 'discovery'; compatibility?: CompatibilityMode | undefined; description?: string | undefined }): AddVersionResult {
    const dialect = detectDialect(v.schema, v.dialect);
    this.#compiler.check(dialect, v.schema);
    const info = this.#storage.get(v.name, v.source) ?? this.#storage.upsert({ name: v.name, source: v.source, compatibility: v.compatibility, description: v.description }).schema;
    const latest = info.latestVersion === 0 ? undefined : this.#storage.version(v.name, v.source, info.latestVersion);
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
    const version = this.#storage.addVersion({ name: v.name, source: v.source, dialect, schema: v.schema, origin: v.origin ?? 'api' });
    this.#remember(version);
    return { version, created: true };
  }

  /** The breaks `schema` would cause as the next version (empty = compatible or no version yet). */
  compatibility(name: string, source: string | null, schema: JsonValue, dialect?: SchemaDialect): { mode: CompatibilityMode; against: number | null; breaks: CompatibilityBreak[] } {
    const info = this.require(name, source);
    this.#compiler.check(detectDialect(schema, dialect), schema);
    const latest = this.latest(name, source);
    return { mode: info.compatibility, against: latest?.version ?? null, breaks: latest === undefined ? [] : checkCompatibility(info.compatibility, latest.schema, schema) };
  }

  /** A version by number, or SWY_SCHEMA_NOT_FOUND / SWY_SCHEMA_VERSION_NOT_FOUND. */
  version(name: string, source: string | null, version: number | 'latest'): SchemaVersion {
    const info = this.require(name, source);
    const n = version === 'latest' ? info.latestVersion : version;
    const v = n === 0 ? undefined : this.#storage.version(name, source, n);
    if (v === undefined) throw new SwitchyardError('SWY_SCHEMA_VERSION_NOT_FOUND', `schema "${name}" has no version ${version}`);
    return v;
  }

  versions(name: string, source: string | null): SchemaVersion[] {
    this.require(name, source);
    return this.#storage.versions(name, source);
  }

  #idx(): Map<string, NameEntry> {
    if (this.#index === undefined) {
      this.#index = new Map();
      for (const s of this.#storage.list()) {
        const v = s.latestVersion === 0 ? undefined : this.#storage.version(s.name, s.source, s.latestVersion);
        if (v !== undefined) this.#remember(v);
      }
    }
    return this.#index;
  }

  /** Records `v` as loaded; a newer version number becomes the latest. */
  #remember(v: SchemaVersion): void {
    const idx = this.#idx();
    let e = idx.get(v.name);
    if (e === undefined) idx.set(v.name, (e = { unscoped: undefined, scoped: new Map() }));
    let l = v.source === null ? e.unscoped : e.scoped.get(v.source);
    if (l === undefined) {
      l = { latest: v.version, versions: new Map() };
      if (v.source === null) e.unscoped = l;
      else e.scoped.set(v.source, l);
    }
    if (v.version > l.latest) {
      // The superseded latest leaves memory (find() reloads it if an event refers to it).
      l.versions.delete(l.latest);
      l.latest = v.version;
    }
    l.versions.set(v.version, v);
  }

  #loaded(name: string, source: string | null): Loaded | undefined {
    const e = this.#idx().get(name);
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
    const e = this.#idx().get(type);
    if (e === undefined) return undefined;
    const l = (e.scoped.size === 0 ? undefined : e.scoped.get(source)) ?? e.unscoped;
    return l === undefined ? undefined : l.versions.get(l.latest);
  }

  /** Looks a version up by number without throwing (for dataschema references); loaded once. */
  find(name: string, source: string | null, version: number): SchemaVersion | undefined {
    const l = this.#loaded(name, source);
    if (l === undefined || version < 1 || version > l.latest) return undefined;
    let v = l.versions.get(version);
    if (v === undefined) {
      v = this.#storage.version(name, source, version);
      if (v !== undefined) l.versions.set(version, v);
    }
    return v;
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

  settings(bus: string): BusSchemaSettings {
    let s = this.#settings.get(bus);
    if (s === undefined) {
      s = this.#storage.settings(bus);
      // Puts to buses that do not exist also ask; bound the cache so they cannot grow it.
      if (this.#settings.size >= 10_000) this.#settings.clear();
      this.#settings.set(bus, s);
    }
    return s;
  }

  setSettings(s: BusSchemaSettings): BusSchemaSettings {
    if (!Number.isFinite(s.sampleRate) || s.sampleRate <= 0 || s.sampleRate > 1) {
      throw new SwitchyardError('SWY_SCHEMA_INVALID_REQUEST', 'sampleRate must be in (0, 1]', { violations: [{ path: '/sampleRate', reason: 'must be greater than 0 and at most 1' }] });
    }
    const saved = this.#storage.setSettings(s);
    this.#settings.set(s.bus, saved);
    return saved;
  }

  /** Forgets cached settings of a deleted bus (its row went with the bus). */
  forgetBus(bus: string): void {
    this.#settings.delete(bus);
  }
}
