// Readiness of a cluster node: the put path is writable while both engines answer. NATS's state
// comes from its connection's status events; PostgreSQL's from its failures on the put path and
// a probe that runs while it is marked down (so the node recovers by itself, with no traffic).
import { APPEND_WRITER, WriteHealth, type StoreLog } from '../write-health.js';
import { engineFault, unavailable, type Engine } from './engine-fault.js';

export class EngineHealth {
  readonly writes: WriteHealth;
  readonly #down = new Map<Engine, unknown>();
  readonly #probe: () => Promise<void>;
  readonly #probeMs: number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(deps: { log: StoreLog; now: () => number; probePostgres: () => Promise<void>; probeMs?: number }) {
    this.writes = new WriteHealth({ classify: engineFault, log: deps.log, now: deps.now });
    this.#probe = deps.probePostgres;
    this.#probeMs = deps.probeMs ?? 500;
  }

  /** Whether the engine is marked down. */
  isDown(engine: Engine): boolean {
    return this.#down.has(engine);
  }

  /** The first engine marked down, or undefined. */
  firstDown(): Engine | undefined {
    return this.#down.keys().next().value;
  }

  down(engine: Engine, cause: unknown): void {
    if (this.#closed || this.#down.has(engine)) return;
    this.#down.set(engine, cause);
    this.writes.failed(APPEND_WRITER, unavailable(engine, cause));
    if (engine === 'postgres') this.#schedule();
  }

  up(engine: Engine): void {
    if (!this.#down.delete(engine)) return;
    if (this.#down.size === 0) this.writes.succeeded(APPEND_WRITER, `${engine} reachable again`);
  }

  /** Classifies a failure of the put path: an engine fault marks that engine down. */
  failed(engine: Engine, err: unknown): boolean {
    if (engineFault(err) === undefined) return false;
    this.down(engine, err);
    return true;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#probe().then(() => this.up('postgres'), () => this.#schedule());
    }, this.#probeMs);
    this.#timer.unref();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }
}
