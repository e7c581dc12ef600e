import { request } from 'undici';
import { ApiError, ConnectionError, UsageError, type ProblemBody } from './errors.js';

/** Where the server is and how to authenticate (`Authorization: Bearer <apiKey>`). */
export interface ClientOptions {
  /** e.g. `http://127.0.0.1:8080`; a path prefix (behind a proxy) is kept. */
  readonly baseUrl: string;
  readonly apiKey?: string;
}

/** Query parameters; undefined values are left out. */
export type Query = Readonly<Record<string, string | number | undefined>>;

export interface RequestOptions {
  readonly query?: Query;
  /** The body text, sent as is (so JSON number literals reach the server byte-exact). */
  readonly body?: string;
  readonly contentType?: string;
  /** Extra request headers (e.g. Switchyard-Transaction). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A 2xx answer: its status and raw body text (empty for 204). */
export interface RawAnswer {
  readonly status: number;
  readonly text: string;
}

/** Error codes of node/undici that mean "the server is not reachable", with a human reason. */
const UNREACHABLE: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed by the server',
};

function unreachableReason(e: unknown): string | undefined {
  // Dual-stack connects fail with an AggregateError whose own code (or first member's) says why.
  const err = e as { code?: unknown; errors?: { code?: unknown }[] };
  const code = typeof err.code === 'string' ? err.code : err.errors?.[0]?.code;
  return typeof code === 'string' ? UNREACHABLE[code] : undefined;
}

/**
 * A thin client of the Switchyard REST API — the only way the CLI talks to a server.
 * Non-2xx answers reject with {@link ApiError} (carrying the problem+json body), an unreachable
 * server with {@link ConnectionError}; commands let both propagate to `reportError`.
 *
 * @example
 * const client = new SwitchyardClient({ baseUrl: 'http://127.0.0.1:8080' });
 * const buses = await client.json<{ items: BusView[] }>('GET', '/v1/buses');
 */
export class SwitchyardClient {
  readonly baseUrl: string;
  /** The bearer key sent with every request (undefined: none). */
  readonly apiKey: string | undefined;

  constructor(opts: ClientOptions) {
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
    } catch {
      throw new UsageError(`--url "${opts.baseUrl}" is not a URL (e.g. http://127.0.0.1:8080)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url "${opts.baseUrl}" must be http:// or https://`);
    this.baseUrl = url.href.replace(/\/+$/, '');
    this.apiKey = opts.apiKey === '' ? undefined : opts.apiKey;
  }

  /** Sends one request; resolves only for 2xx. `path` starts with `/` and is already encoded. */
  async send(method: string, path: string, opts: RequestOptions = {}): Promise<RawAnswer> {
    const url = this.baseUrl + path + queryString(opts.query);
    const headers: Record<string, string> = { ...opts.headers, accept: 'application/json, application/problem+json' };
    if (opts.contentType !== undefined) headers['content-type'] = opts.contentType;
    if (this.apiKey !== undefined) headers.authorization = `Bearer ${this.apiKey}`;
    let status: number;
    let text: string;
    try {
      const res = await request(url, { method: method as 'GET', headers, body: opts.body });
      status = res.statusCode;
      text = await res.body.text();
    } catch (e) {
      const reason = unreachableReason(e);
      if (reason !== undefined) throw new ConnectionError(this.baseUrl, reason);
      throw e;
    }
    if (status < 200 || status > 299) throw new ApiError(status, parseProblem(text), text);
    return { status, text };
  }

  /** {@link send}, then the body parsed as JSON (undefined for an empty body). */
  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const { text } = await this.send(method, path, opts);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }
}

/** Encodes one path segment (a bus name, an event id). */
export function segment(s: string): string {
  return encodeURIComponent(s);
}

function queryString(q: Query | undefined): string {
  if (q === undefined) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) p.append(k, String(v));
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
}

/** The problem+json body of an error answer, if the text is a JSON object. */
export function parseProblem(text: string): ProblemBody | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as ProblemBody) : undefined;
  } catch {
    return undefined;
  }
}
