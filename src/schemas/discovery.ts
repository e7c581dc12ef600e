import { isSwitchyardError } from '../core/index.js';
import type { CloudEvent } from '../events/index.js';
import type { SchemaRegistry } from './registry.js';
import { DEFAULT_INFER_OPTIONS, ShapeAccumulator, type InferOptions, type InferredFormat } from './infer.js';
import { SchemaCompiler } from './compiler.js';
import { isSchemaName } from './limits.js';

/** Caps memory: types beyond this many are not discovered (until restart). */
const MAX_TYPES = 10_000;

/**
 * Schema discovery: per event type, accumulates the shapes of sampled events' JSON data and,
 * when a sampled event does not fit the latest discovered version, registers a new version
 * inferred from everything observed (origin `discovery`, compatibility NONE: it follows the data).
 * A type whose latest version was registered through the API belongs to its author and is left
 * alone. Accumulators live in memory; after a restart they start empty (docs/schemas.md).
 */
export class SchemaDiscovery {
  readonly #registry: SchemaRegistry;
  readonly #acc = new Map<string, ShapeAccumulator>();
  /** Types whose inferred schema exceeded the registry's limits: not discovered (until restart). */
  readonly #refused = new Set<string>();
  readonly #isFormat: (f: InferredFormat, s: string) => boolean;
  readonly #opts: InferOptions | undefined;

  constructor(registry: SchemaRegistry, opts?: InferOptions) {
    this.#registry = registry;
    this.#opts = opts;
    const compiler = new SchemaCompiler();
    // Same format checks as validation, so an inferred format never rejects what it saw.
    this.#isFormat = (f, s) => compiler.validator(`format:${f}`, '2020-12', { format: f })(s);
  }

  #checkpoint(n: number): boolean {
    const min = (this.#opts ?? DEFAULT_INFER_OPTIONS).minEnumSamples;
    return n >= min && n % min === 0 && ((n / min) & (n / min - 1)) === 0;
  }

  /**
   * Observes one (sampled) event; returns the version it registered, if any. Never throws for
   * the event's sake: types that cannot name a schema are skipped, and a type whose inferred
   * schema the registry refuses (too large) is given up.
   */
  observe(bus: string, event: CloudEvent): number | undefined {
    if (event.data.kind !== 'json' || this.#refused.has(event.type) || !isSchemaName(event.type)) return undefined;
    const latest = this.#registry.latest(event.type, null);
    if (latest !== undefined && latest.origin === 'api') return undefined;
    let acc = this.#acc.get(event.type);
    if (acc === undefined) {
      if (this.#acc.size >= MAX_TYPES) return undefined;
      acc = new ShapeAccumulator(this.#isFormat, this.#opts);
      this.#acc.set(event.type, acc);
    }
    acc.add(event.data.value);
    // A fitting event changes nothing, except at checkpoints (the enum threshold, then each
    // doubling), where the inference is refreshed: enums and formats need enough samples.
    if (latest !== undefined && this.#registry.validatorFor(latest)(event.data.value) && !this.#checkpoint(acc.observed)) return undefined;
    try {
      const { version, created } = this.#registry.addVersion({
        name: event.type, source: null, schema: acc.schema(), origin: 'discovery', compatibility: 'NONE',
        description: `discovered on bus ${bus}`,
      });
      return created ? version.version : undefined;
    } catch (e) {
      if (!isSwitchyardError(e) || e.code !== 'SWY_SCHEMA_TOO_LARGE') throw e;
      this.#refused.add(event.type);
      this.#acc.delete(event.type);
      return undefined;
    }
  }
}
