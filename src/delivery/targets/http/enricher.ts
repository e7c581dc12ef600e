import type { JsonValue, Violation } from '../../../core/index.js';
import type { EnrichOutcome, OutboundMessage, SendOutcome, Target } from '../../target.js';
import type { TargetDeps } from '../deps.js';
import { HttpTarget } from './http-target.js';
import { checkHttpSpec, httpSpecOf } from './http-spec.js';
import { MAX_REPLY_BYTES } from './reply.js';

/** The fields of a target's `enrich` object. */
const ENRICH_FIELDS = new Set(['url', 'connection', 'timeoutMs', 'headers']);
/** The enrichment's own timeout when `enrich.timeoutMs` is absent. */
export const DEFAULT_ENRICH_TIMEOUT_MS = 5_000;

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a target's `enrich` (`{ url, connection?, timeoutMs?, headers? }`), one violation per problem. */
export function checkEnrichSpec(v: unknown, path: string, out: Violation[]): void {
  if (v === undefined) return;
  const at = `${path}/enrich`;
  if (!isObj(v)) {
    out.push({ path: at, reason: 'must be an object { url, connection?, timeoutMs?, headers? }' });
    return;
  }
  for (const k of Object.keys(v)) if (!ENRICH_FIELDS.has(k)) out.push({ path: `${at}/${k}`, reason: 'unknown field' });
  if (typeof v.url === 'string' && v.url.includes('${')) out.push({ path: `${at}/url`, reason: 'must be a fixed URL (no templates)' });
  else checkHttpSpec({ url: v.url, connection: v.connection, timeoutMs: v.timeoutMs, headers: v.headers }, at, out);
}

/** How the answer's body fares: its JSON value, nothing, or why it cannot be used. */
function answerData(bytes: Buffer, truncated: boolean): { type: 'data'; data: JsonValue } | { type: 'empty' } | { type: 'bad'; reason: string } {
  if (truncated) return { type: 'bad', reason: `the enrichment answer is over ${MAX_REPLY_BYTES} bytes` };
  const text = bytes.toString('utf8');
  if (text.trim() === '') return { type: 'empty' };
  try {
    return { type: 'data', data: JSON.parse(text) as JsonValue };
  } catch {
    return { type: 'bad', reason: 'the enrichment answer is not JSON' };
  }
}

/**
 * `enrich` (AWS Pipes' enrichment step): POSTs the event (structured CloudEvents JSON, signed
 * and SSRF-guarded like any http delivery, authorized by the connection if named) and reads the
 * answer: a 2xx JSON body becomes the event's data for the target's transformer; a 2xx with no
 * body (204) means nothing is sent for this event; anything else fails like a send (a non-2xx
 * status, a timeout, a refused connection: retried per the target's policy; an answer that is
 * not JSON or over 256 KiB: `rejected`, dead-lettered).
 */
export class Enricher {
  readonly #http: HttpTarget;

  constructor(spec: Obj, deps: TargetDeps) {
    this.#http = new HttpTarget(httpSpecOf({
      url: spec.url, mode: 'structured', timeoutMs: spec.timeoutMs ?? DEFAULT_ENRICH_TIMEOUT_MS,
      ...(spec.connection === undefined ? {} : { connection: spec.connection }),
      ...(spec.headers === undefined ? {} : { headers: spec.headers }),
    }), deps);
  }

  async enrich(message: OutboundMessage, signal: AbortSignal): Promise<EnrichOutcome> {
    const { outcome, answer } = await this.#http.exchange([message], signal, true);
    if (outcome.type === 'failed') return { type: 'failed', outcome: { ...outcome, message: `enrichment: ${outcome.message}` } };
    const status = outcome.status === undefined ? {} : { status: outcome.status };
    if (answer === undefined) return { type: 'empty', durationMs: outcome.durationMs, ...status };
    const a = answerData(answer.body.bytes, answer.body.truncated);
    if (a.type === 'bad') return { type: 'failed', outcome: { type: 'failed', durationMs: outcome.durationMs, errorClass: 'rejected', message: `enrichment: ${a.reason}`, ...status } };
    if (a.type === 'empty') return { type: 'empty', durationMs: outcome.durationMs, ...status };
    return { type: 'enriched', data: a.data, durationMs: outcome.durationMs, ...status };
  }

  close(): Promise<void> {
    return this.#http.close();
  }
}

/** `target` with an enrichment step before it; closing it closes both. */
export function withEnrichment(target: Target, enricher: Enricher): Target {
  return {
    kind: target.kind,
    send: (messages: readonly OutboundMessage[], signal: AbortSignal): Promise<SendOutcome> => target.send(messages, signal),
    enrich: (message, signal) => enricher.enrich(message, signal),
    close: async () => {
      await Promise.all([target.close(), enricher.close()]);
    },
  };
}
