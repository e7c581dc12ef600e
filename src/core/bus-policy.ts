import { SwitchyardError } from './errors/index.js';

/**
 * Domain policy about buses that every storage backend and every domain folder shares: which
 * buses always exist, which cannot be deleted, who may write the system bus, how far an event may
 * travel between buses. It lives in core (layer 0) so a backend (src/store/sqlite, a cluster
 * backend) applies it without owning it, and ingest, delivery and observe read the same values
 * without importing the store. Backends call {@link assertBusDeletable} before deleting and
 * create {@link defaultBus} when they open; the server creates {@link systemBus} when system
 * events are on.
 */

/** The bus puts without a bus name go to (PutEvents entries without `bus`, the CLI's default). */
export const DEFAULT_BUS = 'default';

/**
 * The bus Switchyard puts its own events on (src/observe/system-events.ts). Only the server
 * writes it: producers' puts and bus targets are refused (SWY_INGEST_SYSTEM_BUS), so the
 * events alert rules route cannot be spoofed.
 */
export const SYSTEM_BUS = 'switchyard.system';

/** Buses that always exist and cannot be deleted. */
export const PROTECTED_BUSES: ReadonlySet<string> = new Set([DEFAULT_BUS, SYSTEM_BUS]);

/** How long the system bus keeps its events. */
export const SYSTEM_BUS_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/** A bus to create when missing (the shape of a backend's `NewBus`). */
export interface BuiltInBus {
  readonly name: string;
  readonly description: string;
  readonly retention: { readonly maxAgeMs: number | null; readonly maxCount: number | null };
}

/** The default bus, with the configured default retention (retention.defaultMaxAgeMs). */
export function defaultBus(defaultMaxAgeMs: number): BuiltInBus {
  return { name: DEFAULT_BUS, description: 'The default bus', retention: { maxAgeMs: defaultMaxAgeMs, maxCount: null } };
}

/** The system bus (created when system events are on). */
export function systemBus(): BuiltInBus {
  return { name: SYSTEM_BUS, description: 'Switchyard system events', retention: { maxAgeMs: SYSTEM_BUS_MAX_AGE_MS, maxCount: null } };
}

/** Throws SWY_STORE_BUS_PROTECTED for a bus that cannot be deleted. */
export function assertBusDeletable(name: string): void {
  if (PROTECTED_BUSES.has(name)) throw new SwitchyardError('SWY_STORE_BUS_PROTECTED', `bus "${name}" cannot be deleted`);
}

/** The extension attribute counting how many bus targets an event has passed through. */
export const HOPS_EXTENSION = 'swyhops';
/** An event that already made this many hops is refused (a rule loop between buses). */
export const MAX_HOPS = 8;
/**
 * The extension attribute listing the buses an event was put on before its current one, in
 * order, comma-separated (bus names have no commas): `orders,audit`.
 */
export const PATH_EXTENSION = 'swypath';
