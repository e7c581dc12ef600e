/**
 * The CloudEvents 1.0 codec: validation, the JSON event format, and the HTTP binding (binary,
 * structured and batch modes). See docs/events.md for the rules and decisions.
 */
export type { AttributeValue, CloudEventData, CloudEvent, ContentMode } from './types.js';
export { DEFAULT_MAX_DEPTH, DEFAULT_MAX_EXTENSIONS, type DecodeLimits } from './limits.js';
export { decodeHttpRequest, STRUCTURED_MEDIA_TYPE, BATCH_MEDIA_TYPE, type DecodedRequest, type HttpRequestInput } from './http-decode.js';
export type { HeaderMap } from './binary.js';
export { parseEventJson, type ParseEventOptions, type ParseEventResult } from './parse-event-json.js';
export { serializeEvent, toJsonFormat, parseStoredEvent } from './json-format.js';
export { encodeStructured, encodeBinary, encodeBatch, binaryModeSafe, binaryData, type EncodedMessage } from './http-encode.js';
export { createEvent, type CreateEventFields, type CreateEventData } from './create.js';
export { eventSize } from './size.js';
export { eventJsonView } from './view.js';
export { invalid as invalidEventError, pointer as jsonPointer } from './violations.js';
export { scanJson, valueDepth, type JsonNode, type JsonMember, type ScanResult, type ScanOptions } from './json-scan.js';
export { encodeHeaderValue, decodeHeaderValue } from './header-encoding.js';
export { checkTimestamp } from './attribute-types.js';
