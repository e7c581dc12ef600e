/**
 * Parses a Retry-After header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, relative to
 * `now`. Returns milliseconds (≥ 0), or undefined when absent or unparseable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const v = raw.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
