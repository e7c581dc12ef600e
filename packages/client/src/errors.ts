import type { Problem, Violation } from './types.js';

/**
 * The server answered with an error: the RFC 9457 problem details it sent, or (when the body
 * was not problem+json, e.g. from a proxy) a problem made from the status line.
 *
 * @example
 * try { await client.buses.get('nope'); }
 * catch (e) { if (e instanceof ApiError && e.code === 'SWY_STORE_BUS_NOT_FOUND') … }
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  /** The stable code (docs/errors.md); `HTTP_<status>` when the answer carried none. */
  readonly code: string;
  readonly detail: string | undefined;
  readonly violations: readonly Violation[];
  readonly problem: Problem;
  /** The request, as `METHOD path`. */
  readonly request: string;

  constructor(problem: Problem, request: string) {
    super(`${request}: ${problem.status} ${problem.code}${problem.detail === undefined ? '' : ` — ${problem.detail}`}`);
    this.problem = problem;
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail;
    this.violations = problem.violations ?? [];
    this.request = request;
  }
}

/** No answer: the connection failed or the request timed out (after the retries allowed). */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  readonly request: string;

  constructor(request: string, cause: unknown) {
    super(`${request}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.request = request;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The problem of an error answer: its body when it is one, else one made from the status. */
export function problemOf(status: number, statusText: string, body: unknown): Problem {
  if (isObject(body) && typeof body.code === 'string') {
    const violations = Array.isArray(body.violations)
      ? body.violations.filter(isObject).map((v) => ({ path: String(v.path ?? ''), reason: String(v.reason ?? ''), ...(typeof v.code === 'string' ? { code: v.code } : {}) }))
      : undefined;
    return {
      type: typeof body.type === 'string' ? body.type : 'about:blank',
      title: typeof body.title === 'string' ? body.title : statusText,
      status: typeof body.status === 'number' ? body.status : status,
      code: body.code,
      ...(typeof body.detail === 'string' ? { detail: body.detail } : {}),
      ...(typeof body.instance === 'string' ? { instance: body.instance } : {}),
      ...(violations === undefined ? {} : { violations }),
    };
  }
  return { type: 'about:blank', title: statusText, status, code: `HTTP_${status}`, ...(typeof body === 'string' && body !== '' ? { detail: body.slice(0, 500) } : {}) };
}
