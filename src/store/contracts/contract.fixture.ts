// Shared support of the store's contract suites (DESIGN.md §4, STYLE.md habit 15): the backend
// factory shape, the runner that honours named skips, and builders of events and attempts.
// Every port call in the suites is awaited, so they hold whether a port answers now or later.
import { describe, test } from 'node:test';
import { ManualClock, isSwitchyardError } from '../../core/index.js';
import type { AppendItem, AppendOutcome, NewBus, Store } from '../types.js';
import type { AttemptRecord, DeliveryEnqueue, TargetCounts, TargetKey } from '../delivery-types.js';

/** What a contract needs of a fresh backend instance. */
export interface ContractBackend {
  readonly store: Store;
  /**
   * Closes `store` and opens the same data again (reopen cases); absent when the backend keeps
   * nothing across a close, in which case those cases must be skipped with a reason.
   */
  readonly reopen?: () => Promise<Store>;
  /** Closes whatever is still open and removes what the instance left behind. */
  readonly cleanup: () => Promise<void>;
}

export interface BackendOptions {
  /** Every time the store reads (receivedAt, leases, dead letters, retention) comes from here. */
  readonly clock: ManualClock;
  readonly dedupeWindowMs: number;
  /** The event catalogue's cap of (source, type) pairs per bus; the backend's default when absent. */
  readonly maxTypesPerBus?: number | undefined;
}

/** hono's `runTest({ newRouter, skip })` shape: one factory, and named skips with a reason each. */
export interface ContractOptions {
  /** Names the backend in the test output (`sqlite :memory:`). */
  readonly name: string;
  /** A fresh, empty backend instance on the given clock (the `default` bus exists). */
  readonly create: (opts: BackendOptions) => ContractBackend | Promise<ContractBackend>;
  /** Case name → why this backend does not run it; printed as the skip reason. */
  readonly skip?: Readonly<Record<string, string>>;
}

/** What a case gets: the store, its clock, and a way to reopen it (throws where there is none). */
export interface CaseContext {
  readonly store: Store;
  readonly clock: ManualClock;
  /** Closes the store and opens the same data again; later calls use the new store. */
  reopen(): Promise<Store>;
}

export interface CaseOptions {
  readonly dedupeWindowMs?: number;
  readonly maxTypesPerBus?: number;
}

export type Case = readonly [name: string, run: (c: CaseContext) => Promise<void>, opts?: CaseOptions];

/** Runs `cases` as one suite; each case gets its own backend instance, cleaned up afterwards. */
export function runCases(suite: string, opts: ContractOptions, cases: readonly Case[]): void {
  const known = new Set(cases.map(([name]) => name));
  describe(`${opts.name}: ${suite}`, () => {
    for (const [name, run, caseOpts] of cases) {
      test(name, async (t) => {
        const reason = opts.skip?.[name];
        if (reason !== undefined) {
          t.skip(reason);
          return;
        }
        const clock = new ManualClock();
        const backend = await opts.create({ clock, dedupeWindowMs: caseOpts?.dedupeWindowMs ?? 60_000, maxTypesPerBus: caseOpts?.maxTypesPerBus });
        let store = backend.store;
        const ctx: CaseContext = {
          get store() { return store; },
          clock,
          async reopen() {
            if (backend.reopen === undefined) throw new Error(`${opts.name} cannot reopen a store: skip "${name}" with a reason`);
            store = await backend.reopen();
            return store;
          },
        };
        try {
          await run(ctx);
        } finally {
          await backend.cleanup();
        }
      });
    }
    // A skip naming no case of this suite is a typo or a stale entry; say so instead of hiding it.
    test(`${suite} - every skip names a case of the suite`, (t) => {
      const stale = Object.keys(opts.skip ?? {}).filter((n) => n.startsWith(`${suite} - `) && !known.has(n));
      if (stale.length > 0) throw new Error(`unknown cases skipped: ${stale.join(', ')}`);
      t.diagnostic(`${cases.length} cases`);
    });
  });
}

export const NO_RETENTION = { maxAgeMs: null, maxCount: null } as const;

export const newBus = (name: string, extra: Partial<NewBus> = {}): NewBus => ({ name, retention: NO_RETENTION, ...extra });

/** One event to append, with a structured-mode JSON body built from its attributes and `data`. */
export function item(bus: string, id: string, extra: Partial<AppendItem> & { data?: unknown } = {}): AppendItem {
  const { data, ...rest } = extra;
  const source = rest.source ?? 'urn:test';
  const type = rest.type ?? 'com.example.created';
  const body = JSON.stringify({ specversion: '1.0', id, source, type, ...(data === undefined ? {} : { data }) });
  return {
    bus, id, source, type, subject: undefined, time: undefined, body, size: Buffer.byteLength(body),
    mode: 'structured', matchedRules: [...new Set((rest.deliveries ?? []).map((d) => d.rule))], ...rest,
  };
}

/** An event whose matched rule `rule` routes it to each of `targets` (unordered unless `group`). */
export function routed(bus: string, id: string, targets: readonly string[], opts: { rule?: string; group?: string | null } = {}): AppendItem {
  const deliveries: DeliveryEnqueue[] = targets.map((target) => ({ rule: opts.rule ?? 'r', target, group: opts.group ?? null }));
  return item(bus, id, { deliveries });
}

/** The sequence of a stored outcome; throws on anything else (a case that expects storage). */
export function stored(o: AppendOutcome | undefined): number {
  if (o?.type !== 'stored') throw new Error(`expected a stored outcome, got ${JSON.stringify(o)}`);
  return o.sequence;
}

export const target = (t: string, rule = 'r', bus = 'default'): TargetKey => ({ bus, rule, target: t });

/** A target's counts without the backend's extras (the contract's `{ pending, inFlight, dead }`). */
export async function countsOf(store: Store, key: TargetKey): Promise<Pick<TargetCounts, 'pending' | 'inFlight' | 'dead'>> {
  const c = await store.deliveries.counts(key);
  return { pending: c.pending, inFlight: c.inFlight, dead: c.dead };
}

export const okAttempt = (at: number): AttemptRecord => ({ at, durationMs: 1, ok: true, status: 200, errorClass: null, message: null, response: null });
export const failedAttempt = (at: number, status = 503): AttemptRecord =>
  ({ at, durationMs: 2, ok: false, status, errorClass: 'http', message: `HTTP ${status}`, response: 'busy' });

/** True when `e` is a coded Switchyard error with this code (for `assert.rejects`). */
export const coded = (code: string) => (e: unknown): boolean => isSwitchyardError(e) && e.code === code;
