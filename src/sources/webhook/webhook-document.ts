import type { JsonObject, JsonValue } from '../../core/index.js';
import { BATCH_MEDIA_TYPE, STRUCTURED_MEDIA_TYPE } from '../../events/index.js';
import type { WebhookRequest } from './verify/index.js';

/** A request in any CloudEvents HTTP mode: binary (ce-specversion), structured or batch. */
export function isCloudEventRequest(req: { readonly headers: Readonly<Record<string, string | string[] | undefined>>; readonly contentType: string | undefined }): boolean {
  if (req.headers['ce-specversion'] !== undefined) return true;
  const ct = req.contentType?.split(';', 1)[0]?.trim().toLowerCase();
  return ct === STRUCTURED_MEDIA_TYPE || ct === BATCH_MEDIA_TYPE;
}

/**
 * A form body as an object of its fields (the first value of a repeated one); a field holding
 * JSON (GitHub's `payload`) is parsed too. At most 1,000 fields are read.
 */
function formFields(text: string): JsonObject {
  const out: JsonObject = {};
  let n = 0;
  for (const [k, v] of new URLSearchParams(text)) {
    if (++n > 1000) break;
    if (Object.hasOwn(out, k)) continue;
    let value: JsonValue = v;
    const t = v.trimStart();
    if (t.startsWith('{') || t.startsWith('[')) {
      try {
        value = JSON.parse(v) as JsonValue;
      } catch {
        // kept as text
      }
    }
    // Defined, not assigned: a field named __proto__ stays a field.
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Headers that carry a credential itself (not a signature): never readable by a mapping, so never stored. */
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-gitlab-token']);

/**
 * The document a webhook's mapping reads: `{ method, headers, query, body }`; headers lower-case
 * (a repeated one as an array; credential headers left out), `body` parsed when the mapping reads
 * it: JSON, a form's fields (a JSON field parsed), else the text.
 */
export function webhookDocument(req: WebhookRequest, body: Buffer, contentType: string | undefined, parseBody: boolean): JsonObject {
  const headers: JsonObject = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !CREDENTIAL_HEADERS.has(k)) headers[k] = v as JsonValue;
  let parsed: JsonValue = null;
  if (parseBody && body.length > 0) {
    const ct = contentType?.split(';', 1)[0]?.trim().toLowerCase();
    const text = body.toString('utf8');
    if (ct === undefined || ct === 'application/json' || ct.endsWith('+json')) {
      try {
        parsed = JSON.parse(text) as JsonValue;
      } catch {
        parsed = text;
      }
    } else if (ct === 'application/x-www-form-urlencoded') {
      parsed = formFields(text);
    } else {
      parsed = text;
    }
  }
  return { method: req.method, headers, query: { ...req.query }, body: parsed };
}
