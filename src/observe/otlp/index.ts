// OTLP/HTTP span export (docs/observability.md): spans written straight into protobuf or JSON
// batches (span-proto.ts, span-json.ts, span-batch.ts) and sent by the exporter.
export { OtlpExporter, type OtlpExporterOptions } from './otlp-exporter.js';
export { otlpBody, type SpanRecord } from './span-json.js';
export type { OtlpProtocol } from './span-batch.js';
