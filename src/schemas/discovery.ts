import { isSwitchyardError } from '../core/index.js';
import type { CloudEvent } from '../events/index.js';
import type { SchemaRegistry } from './registry.js';
import { DEFAULT_INFER_OPTIONS, ShapeAccumulator, type InferOptions, type InferredFormat } from './infer.js';
import { SchemaCompiler } from './compiler.js';
import { isSchemaName } from './limits.js';

const NOTHING: Promise<undefined> = Promise.resolve(undefined);

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
  /** Types with a registration in flight: their events are accumulated, not registered again meanwhile. */
  readonly #registering = new Set<string>();

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
   * Observes one (sampled) event; resolves with the version it registered, if any. The put does
   * not wait for it: the accumulation is synchronous, the registration (a catalog write) runs in
   * the background, one at a time per type. Never rejects: types that cannot name a schema are
   * skipped, a type whose inferred schema the registry refuses (too large) is given up, and any
   * other failure of a registration is reported to `onError` (the next event that does not fit
   * tries again).
   */
  observe(bus: string, event: CloudEvent, onError: (err: unknown) => void = () => undefined): Promise<number | undefined> {
    if (event.data.kind !== 'json' || this.#refused.has(event.type) || !isSchemaName(event.type)) return NOTHING;
    const latest = this.#registry.latest(event.type, null);
    if (latest !== undefined && latest.origin === 'api') return NOTHING;
    let acc = this.#acc.get(event.type);
    if (acc === undefined) {
      if (this.#acc.size >= MAX_TYPES) return NOTHING;
      acc = new ShapeAccumulator(this.#isFormat, this.#opts);
      this.#acc.set(event.type, acc);
    }
    acc.add(event.data.value);
    // A fitting event changes nothing, except at checkpoints (the enum threshold, then each
    // doubling), where the inference is refreshed: enums and formats need enough samples.
    if (latest !== undefined && this.#registry.validatorFor(latest)(event.data.value) && !this.#checkpoint(acc.observed)) return NOTHING;
    if (this.#registering.has(event.type)) return NOTHING;
    this.#registering.add(event.type);
    return this.#register(bus, event.type, acc, onError).finally(() => this.#registering.delete(event.type));
  }

  async #register(bus: string, type: string, acc: ShapeAccumulator, onError: (err: unknown) => void): Promise<number | undefined> {
    try {
      const { version, created } = await this.#registry.addVersion({
        name: type, source: null, schema: acc.schema(), origin: 'discovery', compatibility: 'NONE',
        description: `discovered on bus ${bus}`,
      });
      return created ? version.version : undefined;
    } catch (e) {
      if (isSwitchyardError(e) && e.code === 'SWY_SCHEMA_TOO_LARGE') {
        this.#refused.add(type);
        this.#acc.delete(type);
      } else {
        onError(e);
      }
      return undefined;
    }
  }
}
