// The console's only way to the server: same-origin fetches to /v1 with the session's API key.

const KEY = 'switchyard.apiKey';

/** The API key of this browser session (sessionStorage: gone when the tab closes). */
export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  set: (key: string): void => sessionStorage.setItem(KEY, key),
  clear: (): void => sessionStorage.removeItem(KEY),
};

export interface Violation { readonly path: string; readonly reason: string }

/** An RFC 9457 problem answered by the API. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, readonly detail: string, readonly violations: readonly Violation[]) {
    super(detail);
  }
}

/** Listeners told when the server refuses the session's key (401): the app signs out. */
const unauthorized = new Set<() => void>();
export const onUnauthorized = (f: () => void): (() => void) => {
  unauthorized.add(f);
  return () => unauthorized.delete(f);
};

export function authHeaders(key = session.key()): Record<string, string> {
  return key === null ? {} : { authorization: `Bearer ${key}` };
}

export interface CallOptions {
  readonly method?: string;
  readonly json?: unknown;
  readonly key?: string | null;
  readonly signal?: AbortSignal;
  /** Answer as text instead of parsed JSON. */
  readonly text?: boolean;
}

export async function api<T>(path: string, opts: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json, text/plain', ...authHeaders(opts.key === undefined ? session.key() : opts.key) };
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method: opts.method ?? (opts.json === undefined ? 'GET' : 'POST'),
    headers,
    ...(opts.json === undefined ? {} : { body: JSON.stringify(opts.json) }),
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  });
  const text = await res.text();
  if (!res.ok) {
    let p: { code?: string; detail?: string; title?: string; violations?: Violation[] } = {};
    try {
      p = JSON.parse(text) as typeof p;
    } catch {
      // not a problem document
    }
    if (res.status === 401 && opts.key === undefined) for (const f of unauthorized) f();
    throw new ApiError(res.status, p.code ?? `HTTP_${res.status}`, p.detail ?? p.title ?? (text.slice(0, 200) || res.statusText), p.violations ?? []);
  }
  if (opts.text === true) return text as T;
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export const enc = encodeURIComponent;

/** A query string from the defined, non-empty values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
}
