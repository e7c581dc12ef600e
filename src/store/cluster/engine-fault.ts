// The cluster's engines failing: a connection lost, refused or timed out. Such a failure is a
// storage fault of the cluster store (WriteHealth): the put path answers 503 and /readyz 503
// until a write through the engine succeeds again. Anything else is a bug and thrown as it is.
import { SwitchyardError, isSwitchyardError } from '../../core/index.js';

export type Engine = 'nats' | 'postgres';

export const ENGINE_NAMES: Readonly<Record<Engine, string>> = { nats: 'NATS JetStream', postgres: 'PostgreSQL' };

/** PostgreSQL SQLSTATE classes of a lost or refused connection (08: connection exception; 57P: operator intervention). */
const PG_DOWN = /^(08|57P0)/;
const NET_DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** The engine whose failure `err` is, or undefined when it is not an engine fault. */
export function engineFault(err: unknown): string | undefined {
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; engine?: unknown } | null;
  if (e === null || typeof e !== 'object') return undefined;
  if (e.engine === 'nats' || e.engine === 'postgres') return `${String(e.engine).toUpperCase()}_UNAVAILABLE`;
  if (isSwitchyardError(err) && err.code === 'SWY_STORE_UNAVAILABLE') return engineFault(e.cause) ?? 'ENGINE_UNAVAILABLE';
  if (typeof e.code === 'string' && (NET_DOWN.has(e.code) || PG_DOWN.test(e.code))) return e.code;
  if (typeof e.message === 'string' && /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(e.message)) return 'POSTGRES_UNAVAILABLE';
  const name = typeof e.name === 'string' ? e.name : '';
  if (/^(TimeoutError|ClosedConnectionError|NoRespondersError|ConnectionError|RequestError)$/.test(name)) return 'NATS_UNAVAILABLE';
  return undefined;
}

/** The store's "cannot write now" error for a failure of `engine`. */
export function unavailable(engine: Engine, cause: unknown): SwitchyardError {
  // The cause names the engine, so WriteHealth (which classifies the cause) records the fault.
  const why = cause instanceof Error ? cause.message : String(cause);
  const down = Object.assign(new Error(`${ENGINE_NAMES[engine]} unreachable: ${why}`, { cause }), { engine });
  return new SwitchyardError('SWY_STORE_UNAVAILABLE', `${ENGINE_NAMES[engine]} is unreachable; nothing of this request was acknowledged, retry later`, { cause: down });
}

/** Refusing to start: an engine cannot be reached. */
export function unreachableAtStart(engine: Engine, where: string, cause: unknown): SwitchyardError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new SwitchyardError('SWY_STORE_ENGINE_UNREACHABLE', `cluster store: ${ENGINE_NAMES[engine]} at ${where} is unreachable (${why}); the node does not start`, { cause });
}
