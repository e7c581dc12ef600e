import type { JsonValue } from '../core/index.js';

/** An extension attribute's value: CloudEvents types String, Integer (32-bit), Boolean, URI… as string. */
export type AttributeValue = string | number | boolean;

/**
 * The data of an event. Invariants:
 * - `json`: `text` is the exact JSON text of the data (as received, or JSON.stringify of `value`
 *   when the event was built in code); serializers emit `text`, so number literals such as
 *   9007199254740993 survive byte-exact. `value` is JSON.parse(text).
 * - `text`: a non-JSON media type whose bytes are valid UTF-8; the string is those bytes.
 * - `binary`: anything else; bytes kept exactly (data_base64 in the JSON format).
 */
export type CloudEventData =
  | { readonly kind: 'none' }
  | { readonly kind: 'json'; readonly value: JsonValue; readonly text: string }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'binary'; readonly bytes: Uint8Array };

/**
 * A validated CloudEvent 1.0. Context attributes are typed fields; extension attributes live in
 * `extensions` (names: lower-case a-z0-9, validated). Produced only by the codec's decoders or
 * `createEvent`, so holders may trust it.
 */
export interface CloudEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly datacontenttype?: string;
  readonly dataschema?: string;
  readonly subject?: string;
  readonly time?: string;
  readonly extensions: Readonly<Record<string, AttributeValue>>;
  readonly data: CloudEventData;
}

/** How an event arrived over HTTP. */
export type ContentMode = 'binary' | 'structured' | 'batch' | 'put-events';
