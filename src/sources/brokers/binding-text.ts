import { STRUCTURED_MEDIA_TYPE, encodeHeaderValue } from '../../events/index.js';

/**
 * Attributes from a binding that carries them as plain values (AMQP properties, MQTT 5 user
 * properties, Redis fields) in the HTTP binding's `ce-` form, percent-encoded as the HTTP
 * decoder expects.
 */
export function ceHeader(name: string, value: unknown): [string, string] {
  return [`ce-${name.toLowerCase()}`, encodeHeaderValue(typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : String(value))];
}

/**
 * For a protocol without a content type (MQTT 3.1.1, Redis PUBLISH-like payloads, PostgreSQL
 * NOTIFY): a JSON object with a `specversion` member is taken as a structured-mode CloudEvent.
 */
export function sniffContentType(body: Buffer): string | undefined {
  if (body.length === 0 || body[0] !== 0x7b) return undefined;
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) && 'specversion' in v ? STRUCTURED_MEDIA_TYPE : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The content type of a payload from a protocol that names none (PostgreSQL NOTIFY): a
 * structured CloudEvent when sniffed as one, JSON when it parses, else UTF-8 text.
 */
export function payloadContentType(body: Buffer): string {
  const sniffed = sniffContentType(body);
  if (sniffed !== undefined) return sniffed;
  try {
    JSON.parse(body.toString('utf8'));
    return 'application/json';
  } catch {
    return 'text/plain; charset=utf-8';
  }
}
