import type { ErrorTable } from '../spec.js';

/** Error codes of the observe area. Codes are stable: never rename or reuse one. */
export const observeErrors = {
  SWY_OBSERVE_INVALID_PATTERN: { status: 400, title: 'Invalid pattern parameter', doc: 'The `pattern` query parameter of event search (`GET /v1/buses/{bus}/events`) or live tail (`GET /v1/buses/{bus}/stream`) is not a valid event pattern in JSON text (docs/patterns.md). `violations` gives the path inside the pattern and the reason of each problem.' },
  SWY_OBSERVE_INVALID_QUERY: { status: 400, title: 'Invalid search parameter', doc: 'A live-tail (`GET /v1/buses/{bus}/stream`) request carries a `Last-Event-ID` header that is not the sequence number of an event. The violation names the header.' },
  SWY_OBSERVE_EXPORT_FAILED: { status: 502, title: 'Span export failed', doc: 'The OTLP/HTTP span exporter could not deliver a batch of spans to `observe.otlpEndpoint` (connection refused, timeout, or a non-2xx answer). Only logged; ingest and delivery are never affected. Check the collector address and that it accepts OTLP/HTTP at `/v1/traces` in the encoding of `observe.otlpProtocol` (binary protobuf by default, or JSON).' },
} as const satisfies ErrorTable;
