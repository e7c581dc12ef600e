import { SwitchyardError } from '../core/index.js';
import { decodeBinary, type HeaderMap } from './binary.js';
import { resolveLimits, type DecodeLimits } from './limits.js';
import { isUtf8Charset, parseMediaType } from './media-type.js';
import { decodeBatchBody, decodeStructuredBody } from './structured.js';
import type { CloudEvent } from './types.js';
import { invalid } from './violations.js';

export interface HttpRequestInput {
  /** The Content-Type header, as received (undefined when absent). */
  readonly contentType: string | undefined;
  /** All request headers; names in any case (node's are lower-case). */
  readonly headers: HeaderMap;
  /** The raw body bytes (the caller has already capped the request size). */
  readonly body: Uint8Array;
}

export interface DecodedRequest {
  readonly mode: 'binary' | 'structured' | 'batch';
  readonly events: CloudEvent[];
}

export const STRUCTURED_MEDIA_TYPE = 'application/cloudevents+json';
export const BATCH_MEDIA_TYPE = 'application/cloudevents-batch+json';

/**
 * Decodes a CloudEvents HTTP request in any content mode (HTTP binding §3): the mode is chosen
 * by Content-Type — `application/cloudevents-batch…` batch, `application/cloudevents…` structured,
 * anything else (or none) binary. Only the JSON event format is supported; another format
 * (`application/cloudevents+avro`) is a 415.
 *
 * @throws SwitchyardError with every violation of the whole request (batch paths prefixed by
 *   index): SWY_EVENT_INVALID (400), SWY_EVENT_TOO_LARGE (413, when sizes are the only problem),
 *   SWY_EVENT_MALFORMED_JSON, SWY_EVENT_INVALID_UTF8, SWY_EVENT_TOO_DEEP (400),
 *   SWY_EVENT_UNSUPPORTED_MEDIA_TYPE, SWY_EVENT_BAD_CHARSET (415), SWY_EVENT_BATCH_NOT_ARRAY,
 *   SWY_EVENT_BATCH_EMPTY (400), SWY_EVENT_BATCH_TOO_MANY (413).
 *
 * @example
 * const { mode, events } = decodeHttpRequest(
 *   { contentType: req.headers['content-type'], headers: req.headers, body },
 *   { maxEventBytes: 256 * 1024, maxBatchEvents: 1000 },
 * );
 */
export function decodeHttpRequest(input: HttpRequestInput, limits: DecodeLimits): DecodedRequest {
  const resolved = resolveLimits(limits);
  const ct = input.contentType?.trim();
  const lower = ct?.toLowerCase();
  if (ct !== undefined && lower !== undefined && lower.startsWith('application/cloudevents')) {
    const mt = parseMediaType(ct);
    const batch = lower.startsWith('application/cloudevents-batch');
    if (mt === undefined || mt.essence !== (batch ? BATCH_MEDIA_TYPE : STRUCTURED_MEDIA_TYPE)) {
      throw new SwitchyardError(
        'SWY_EVENT_UNSUPPORTED_MEDIA_TYPE',
        `unsupported CloudEvents format '${ct.slice(0, 100)}'; use ${STRUCTURED_MEDIA_TYPE}, ${BATCH_MEDIA_TYPE} or binary mode`,
      );
    }
    if (!isUtf8Charset(mt)) {
      throw new SwitchyardError('SWY_EVENT_BAD_CHARSET', `charset '${(mt.params.get('charset') ?? '').slice(0, 40)}' is not supported; CloudEvents JSON is UTF-8`);
    }
    return batch
      ? { mode: 'batch', events: decodeBatchBody(input.body, resolved) }
      : { mode: 'structured', events: [decodeStructuredBody(input.body, resolved)] };
  }
  const r = decodeBinary(input.contentType, input.headers, input.body, resolved);
  if (r.event === undefined) throw invalid(r.violations);
  return { mode: 'binary', events: [r.event] };
}
