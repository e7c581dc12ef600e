import type { ErrorTable } from '../spec.js';

/** Error codes of the events area. Codes are stable: never rename or reuse one. */
export const eventsErrors = {
  SWY_EVENT_INVALID: { status: 400, title: 'Invalid CloudEvent', doc: 'One or more events break the CloudEvents 1.0 rules (missing or empty required attribute, wrong attribute type, bad extension name, data and data_base64 both present, ...). `violations` lists every problem with its path (`/source`, `/2/time` in a batch, or a header name such as `ce-time` in binary mode).' },
  SWY_EVENT_MALFORMED_JSON: { status: 400, title: 'Malformed JSON', doc: 'The body (structured or batch mode), or a JSON-typed body in binary mode, is not valid JSON (RFC 8259). Fix the JSON syntax; the message gives the parser position.' },
  SWY_EVENT_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type', doc: 'The Content-Type names a CloudEvents event format other than JSON (for example `application/cloudevents+avro`) or is not a valid media type. Use `application/cloudevents+json`, `application/cloudevents-batch+json` or binary mode.' },
  SWY_EVENT_BAD_CHARSET: { status: 415, title: 'Unsupported charset', doc: 'A structured or batch request declares a charset other than UTF-8. CloudEvents JSON is always UTF-8: send `charset=utf-8` or no charset.' },
  SWY_EVENT_INVALID_UTF8: { status: 400, title: 'Body is not valid UTF-8', doc: 'A JSON body contains a byte sequence that is not valid UTF-8 (including overlong forms and encoded surrogates). Encode the body as UTF-8.' },
  SWY_EVENT_BATCH_NOT_ARRAY: { status: 400, title: 'Batch is not a JSON array', doc: 'A request with Content-Type `application/cloudevents-batch+json` must carry a JSON array of events in the JSON format.' },
  SWY_EVENT_BATCH_EMPTY: { status: 400, title: 'Empty batch', doc: 'The batch holds no events and this endpoint was configured to refuse empty batches (the CloudEvents spec allows them, so by default they are accepted and do nothing).' },
  SWY_EVENT_BATCH_TOO_MANY: { status: 413, title: 'Too many events in batch', doc: 'The batch holds more events than `limits.maxBatchEvents`. Split it into several requests.' },
  SWY_EVENT_TOO_LARGE: { status: 413, title: 'Event too large', doc: 'An event is larger than `limits.maxEventBytes`. The size is the UTF-8 length of every attribute name and value plus the data bytes (see docs/events.md). `violations` names each event over the limit.' },
  SWY_EVENT_TOO_DEEP: { status: 400, title: 'JSON nested too deeply', doc: 'The JSON nests objects/arrays deeper than the limit (64 levels by default, counted from the event object). Flatten the data.' },
  SWY_EVENT_BAD_HEADER: { status: 400, title: 'Bad CloudEvents header', doc: 'A `ce-*` header in binary mode is malformed: control characters, non-ASCII bytes, a broken percent-encoding or percent-encoded bytes that are not valid UTF-8, a repeated header, or a forbidden `ce-datacontenttype`. Appears as the `code` of a violation.' },
  SWY_EVENT_STORED_CORRUPT: { status: 500, title: 'Stored event is corrupt', doc: 'An event read back from storage is not in the form Switchyard writes. This is a bug or disk corruption; the event id is in the server log.' },
} as const satisfies ErrorTable;
