import { hostname } from 'node:os';
import { request, type Dispatcher } from 'undici';
import type { Violation } from '../../../core/index.js';

/**
 * The CloudEvents "HTTP 1.1 Web Hooks" validation handshake, sender side (§4.1): before the first
 * delivery to a URL, an `OPTIONS` request with `WebHook-Request-Origin: <origin>`; the receiver
 * allows delivery by answering 2xx with `WebHook-Allowed-Origin` equal to the origin or `*`.
 * Validated URLs are remembered for the target's life (at most {@link MAX_VALIDATED}, then
 * forgotten all at once and validated again). A refusal fails the attempt as retryable (`http`):
 * a receiver being set up may allow the origin later. `WebHook-Allowed-Rate` is not enforced.
 */
export interface HandshakeSpec {
  readonly origin: string;
}

const MAX_VALIDATED = 10_000;
const ORIGIN = /^[A-Za-z0-9.-]{1,253}$/;

export function checkHandshakeSpec(v: unknown, path: string, out: Violation[]): void {
  if (v === true) return;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    out.push({ path: `${path}/handshake`, reason: 'must be true or { "origin": "<DNS name of this sender>" }' });
    return;
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'origin') out.push({ path: `${path}/handshake/${k}`, reason: `unknown property "${k}"` });
  if (o.origin !== undefined && (typeof o.origin !== 'string' || !ORIGIN.test(o.origin))) out.push({ path: `${path}/handshake/origin`, reason: 'must be a DNS name' });
}

export function handshakeSpecOf(v: unknown): HandshakeSpec | undefined {
  if (v === undefined || v === false) return undefined;
  const origin = typeof v === 'object' && v !== null && typeof (v as { origin?: unknown }).origin === 'string' ? (v as { origin: string }).origin : hostname();
  return { origin };
}

/** Remembers which URLs allowed this origin; validates a new one with one OPTIONS request. */
export class WebhookValidation {
  readonly #spec: HandshakeSpec;
  readonly #validated = new Set<string>();

  constructor(spec: HandshakeSpec) {
    this.#spec = spec;
  }

  /** Undefined when the URL allows delivery (now or before); else why not. */
  async check(url: string, dispatcher: Dispatcher, headers: Readonly<Record<string, string>>, signal: AbortSignal): Promise<string | undefined> {
    if (this.#validated.has(url)) return undefined;
    const res = await request(url, { dispatcher, method: 'OPTIONS', headers: { ...headers, 'webhook-request-origin': this.#spec.origin }, signal });
    await res.body.dump();
    const allowed = res.headers['webhook-allowed-origin'];
    const value = Array.isArray(allowed) ? allowed[0] : allowed;
    if (res.statusCode < 200 || res.statusCode >= 300) return `webhook validation handshake refused: OPTIONS answered HTTP ${res.statusCode}`;
    if (value === undefined) return 'webhook validation handshake refused: no WebHook-Allowed-Origin in the answer';
    if (value.trim() !== '*' && value.trim() !== this.#spec.origin) return `webhook validation handshake refused: WebHook-Allowed-Origin is "${value.slice(0, 100)}", not "${this.#spec.origin}"`;
    if (this.#validated.size >= MAX_VALIDATED) this.#validated.clear();
    this.#validated.add(url);
    return undefined;
  }
}
