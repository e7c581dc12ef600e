import { ApiError, NetworkError, problemOf } from './errors.js';
import type { paths } from './openapi.js';
import { DEFAULT_RETRY, RETRY_STATUSES, parseRetryAfter, retryDelay, type RetryPolicy } from './retry.js';

export type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';
export type Path = keyof paths;
/** The methods the server serves on a path (from the generated OpenAPI types). */
export type MethodOf<P extends Path> = { [M in Method]: [NonNullable<paths[P][M]>] extends [never] ? never : M }[Method];
type Operation<P extends Path, M extends Method> = NonNullable<paths[P][M]>;
type ParamsOf<O, K extends 'path' | 'query'> = O extends { parameters: { [X in K]?: infer T } } ? ([T] extends [never] ? undefined : T) : undefined;

export type Query = Record<string, string | number | boolean | undefined>;

/** One call: the path's parameters and query as the OpenAPI document declares them. */
export interface Call<P extends Path, M extends Method> {
  readonly method: M;
  readonly path: P;
  readonly params?: ParamsOf<Operation<P, M>, 'path'>;
  readonly query?: ParamsOf<Operation<P, M>, 'query'>;
  readonly body?: unknown;
  /** Raw body (an event put in binary mode); `body` is sent as JSON. */
  readonly rawBody?: string | Uint8Array<ArrayBuffer>;
  readonly headers?: Record<string, string>;
  /** Retried on 429/503/network errors (default: GET, PUT, DELETE). */
  readonly retry?: boolean;
  readonly signal?: AbortSignal;
  /** 'text' reads the body as text; default JSON (or undefined for 204). */
  readonly as?: 'json' | 'text';
}

export interface TransportOptions {
  /** The server, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** API key, sent as `Authorization: Bearer <key>`. */
  readonly apiKey?: string;
  readonly retry?: Partial<RetryPolicy>;
  /** Per-try timeout in ms (default 30 s). */
  readonly timeoutMs?: number;
  /** The fetch to use (default globalThis.fetch). */
  readonly fetch?: typeof fetch;
  /** Extra headers on every request. */
  readonly headers?: Record<string, string>;
  /** Jitter source (default Math.random) and sleep, injectable for tests. */
  readonly random?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Fills `{name}` segments of an OpenAPI path, each value URL-encoded. */
export function fillPath(path: string, params: Record<string, string | number> | undefined): string {
  return path.replace(/\{([^}]+)\}/g, (_, k: string) => {
    const v = params?.[k];
    if (v === undefined) throw new TypeError(`missing path parameter "${k}" for ${path}`);
    return encodeURIComponent(String(v));
  });
}

export function queryString(q: Query | undefined): string {
  if (q === undefined) return '';
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) sp.set(k, String(v));
  const s = sp.toString();
  return s === '' ? '' : `?${s}`;
}

/** HTTP plumbing shared by every method group: URL, auth, JSON, problems, retries. */
export class Transport {
  readonly baseUrl: string;
  readonly policy: RetryPolicy;
  readonly #opts: TransportOptions;
  readonly #fetch: typeof fetch;
  readonly #random: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(opts: TransportOptions) {
    this.#opts = opts;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.#fetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#random = opts.random ?? Math.random;
    this.#sleep = opts.sleep ?? abortableSleep;
  }

  /** The headers every request carries: auth and the configured extras. */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...this.#opts.headers, ...(this.#opts.apiKey === undefined ? {} : { authorization: `Bearer ${this.#opts.apiKey}` }), ...extra };
  }

  /** The fetch in use (the tail opens its stream with it). */
  get fetch(): typeof fetch {
    return this.#fetch;
  }

  /** Waits `ms`, unless the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.#sleep(ms, signal);
  }

  random(): number {
    return this.#random();
  }

  async call<T, P extends Path, M extends MethodOf<P>>(c: Call<P, M>): Promise<T> {
    const url = this.baseUrl + fillPath(c.path, c.params as Record<string, string | number> | undefined) + queryString(c.query as Query | undefined);
    const method = c.method.toUpperCase();
    const label = `${method} ${c.path}`;
    const headers = this.headers(c.headers);
    let body: string | Uint8Array<ArrayBuffer> | undefined = c.rawBody;
    if (c.body !== undefined) {
      body = JSON.stringify(c.body);
      headers['content-type'] ??= 'application/json';
    }
    const retry = c.retry ?? method !== 'POST';
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      const timeout = AbortSignal.timeout(this.#opts.timeoutMs ?? 30_000);
      const signal = c.signal === undefined ? timeout : AbortSignal.any([c.signal, timeout]);
      try {
        res = await this.#fetch(url, { method, headers, ...(body === undefined ? {} : { body }), signal });
      } catch (err) {
        if (c.signal?.aborted === true) throw err;
        const wait = retry ? retryDelay(this.policy, attempt, undefined, this.#random()) : undefined;
        if (wait === undefined) throw new NetworkError(label, err);
        await this.#sleep(wait, c.signal);
        continue;
      }
      if (res.ok) return (await this.#read(res, c.as)) as T;
      const text = await res.text();
      if (retry && RETRY_STATUSES.has(res.status)) {
        const wait = retryDelay(this.policy, attempt, parseRetryAfter(res.headers.get('retry-after'), Date.now()), this.#random());
        if (wait !== undefined) {
          await this.#sleep(wait, c.signal);
          continue;
        }
      }
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: the problem is made from the status line
      }
      throw new ApiError(problemOf(res.status, res.statusText, parsed), label);
    }
  }

  async #read(res: Response, as: 'json' | 'text' | undefined): Promise<unknown> {
    const text = await res.text();
    if (as === 'text') return text;
    return text === '' ? undefined : JSON.parse(text);
  }
}
