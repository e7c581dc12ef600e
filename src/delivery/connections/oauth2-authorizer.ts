import { request, type Dispatcher } from 'undici';
import type { Clock } from '../../core/index.js';
import { findBlocked } from '../ssrf/index.js';
import { AuthorizationError, type Authorizer, type AuthorizableRequest, type ConnectionSpec } from './types.js';

type OAuth2Spec = Extract<ConnectionSpec, { kind: 'oauth2' }>;

/** Tokens are refreshed this long before they expire (or at half their lifetime, if shorter). */
export const REFRESH_MARGIN_MS = 60_000;
/** A token response without expires_in is trusted for this long. */
const DEFAULT_LIFETIME_MS = 5 * 60_000;
const TOKEN_TIMEOUT_MS = 10_000;

interface Token { readonly value: string; readonly refreshAt: number }

/**
 * OAuth2 client credentials (RFC 6749 §4.4). The token is cached and shared by every request
 * of the connection; it is fetched again shortly before it expires, and after the target saw
 * a 401 (`invalidate`). Concurrent requests needing a token share one fetch (single flight).
 * The client secret goes only to the token endpoint and is never part of an error message.
 */
export class OAuth2Authorizer implements Authorizer {
  readonly #spec: OAuth2Spec;
  readonly #dispatcher: Dispatcher;
  readonly #clock: Clock;
  #token: Token | undefined;
  #inflight: Promise<Token> | undefined;

  constructor(spec: OAuth2Spec, dispatcher: Dispatcher, clock: Clock) {
    this.#spec = spec;
    this.#dispatcher = dispatcher;
    this.#clock = clock;
  }

  async authorize(req: AuthorizableRequest, signal: AbortSignal): Promise<void> {
    let t = this.#token;
    if (t === undefined || this.#clock.now() >= t.refreshAt) t = await this.#fetchShared(signal);
    req.headers.authorization = `Bearer ${t.value}`;
  }

  invalidate(): boolean {
    this.#token = undefined;
    return true;
  }

  #fetchShared(signal: AbortSignal): Promise<Token> {
    this.#inflight ??= this.#fetch(signal).finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #fetch(signal: AbortSignal): Promise<Token> {
    const s = this.#spec;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (s.scope !== undefined) form.set('scope', s.scope);
    if (s.audience !== undefined) form.set('audience', s.audience);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (s.clientAuth === 'basic') {
      // RFC 6749 §2.3.1: client id and secret are form-urlencoded before Basic encoding
      const enc = (v: string): string => encodeURIComponent(v).replace(/%20/g, '+');
      headers.authorization = `Basic ${Buffer.from(`${enc(s.clientId)}:${enc(s.clientSecret)}`).toString('base64')}`;
    } else {
      form.set('client_id', s.clientId);
      form.set('client_secret', s.clientSecret);
    }
    const requestedAt = this.#clock.now();
    let status: number;
    let text: string;
    try {
      const res = await request(s.tokenUrl, {
        dispatcher: this.#dispatcher, method: 'POST', headers, body: form.toString(),
        signal: AbortSignal.any([signal, AbortSignal.timeout(TOKEN_TIMEOUT_MS)]),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      const blocked = findBlocked(err);
      if (blocked !== undefined) throw new AuthorizationError(`token endpoint: ${blocked.message}`, 'blocked');
      throw new AuthorizationError(`token endpoint unreachable: ${(err as Error).message}`, 'network');
    }
    if (status < 200 || status >= 300) throw new AuthorizationError(`token endpoint answered HTTP ${status}`, 'http', status);
    let body: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new AuthorizationError('token endpoint answered with invalid JSON', 'config');
    }
    if (typeof body.access_token !== 'string' || body.access_token.length === 0) throw new AuthorizationError('token response has no access_token', 'config');
    if (body.token_type !== undefined && String(body.token_type).toLowerCase() !== 'bearer') throw new AuthorizationError(`unsupported token_type ${String(body.token_type)}`, 'config');
    const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : DEFAULT_LIFETIME_MS;
    const token = { value: body.access_token, refreshAt: requestedAt + lifetime - Math.min(REFRESH_MARGIN_MS, lifetime / 2) };
    this.#token = token;
    return token;
  }
}
