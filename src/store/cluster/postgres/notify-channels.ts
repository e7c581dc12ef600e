import { createHash } from 'node:crypto';

/** PostgreSQL's NOTIFY payload limit is 8000 bytes; keep clear of it. */
export const MAX_NOTIFY_PAYLOAD = 7000;

/**
 * The NOTIFY channels of one schema: catalog changes, delivery work hints and circuit breaker
 * changes. Derived from the
 * schema name (short and fixed-length: channel names are identifiers of at most 63 bytes), so
 * several installations (or test runs) in one database never hear each other.
 */
export function channelsOf(schema: string): { readonly catalog: string; readonly work: string; readonly breaker: string } {
  const h = createHash('sha256').update(schema).digest('hex').slice(0, 20);
  return { catalog: `swy_catalog_${h}`, work: `swy_work_${h}`, breaker: `swy_breaker_${h}` };
}
