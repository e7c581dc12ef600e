import { findBlocked } from '../../ssrf/index.js';
import type { ErrorClass } from '../../target.js';

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** The error class and a log-safe message for an error thrown while sending. */
export function classifyError(err: unknown, timedOut: boolean): { errorClass: ErrorClass; message: string } {
  const blocked = findBlocked(err);
  if (blocked !== undefined) return { errorClass: 'blocked', message: blocked.message };
  const e = err as { code?: string; message?: string; name?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  if (timedOut || (code !== undefined && TIMEOUT_CODES.has(code))) return { errorClass: 'timeout', message: 'timed out' };
  const msg = e.cause?.message ?? e.message ?? String(err);
  return { errorClass: 'network', message: code === undefined ? msg : `${code}: ${msg}` };
}
