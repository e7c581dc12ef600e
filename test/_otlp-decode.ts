// Decodes an OTLP ExportTraceServiceRequest in binary protobuf with protobufjs (an independent
// decoder, not ours) into the protobuf-JSON shape of OTLP/HTTP JSON (hex ids, nanoseconds and
// int64 values as decimal strings), so tests read both encodings the same way. The message
// definitions are the subset of opentelemetry-proto (trace/v1, common/v1, resource/v1,
// collector/trace/v1) that spans use.
import protobuf from 'protobufjs';

const SCHEMA = `
syntax = "proto3";
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16; string name = 5;
  int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8; repeated KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10; Status status = 15;
}
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; bytes bytes_value = 7; }
}
`;

const Request = protobuf.parse(SCHEMA, { keepCase: false }).root.lookupType('ExportTraceServiceRequest');

export interface OtlpValue { stringValue?: string; intValue?: string; boolValue?: boolean; doubleValue?: number }
export interface OtlpKeyValue { key: string; value: OtlpValue }
export interface OtlpSpan {
  traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number;
  startTimeUnixNano: string; endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  status: { code: number; message?: string };
}
export interface ExportRequest {
  resourceSpans: { resource: { attributes: OtlpKeyValue[] }; scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[] }[];
}

type Decoded = {
  resourceSpans?: { resource?: { attributes?: DecodedKv[] }; scopeSpans?: { scope?: { name?: string }; spans?: DecodedSpan[] }[] }[];
};
type DecodedKv = { key: string; value?: { stringValue?: string; boolValue?: boolean; intValue?: string; doubleValue?: number } };
type DecodedSpan = {
  traceId: string; spanId: string; parentSpanId?: string; name: string; kind?: number; startTimeUnixNano: string; endTimeUnixNano: string;
  attributes?: DecodedKv[]; status?: { code?: number; message?: string };
};

const hex = (b64: string | undefined): string | undefined => (b64 === undefined || b64 === '' ? undefined : Buffer.from(b64, 'base64').toString('hex'));
const kvs = (list: DecodedKv[] | undefined): OtlpKeyValue[] => (list ?? []).map((kv) => ({ key: kv.key, value: { ...kv.value } }));

/** A binary ExportTraceServiceRequest in the OTLP/JSON shape. */
export function decodeOtlpProto(body: Uint8Array): ExportRequest {
  const message = Request.decode(body);
  const o = Request.toObject(message, { longs: String, bytes: String, defaults: true, oneofs: false }) as Decoded;
  return {
    resourceSpans: (o.resourceSpans ?? []).map((rs) => ({
      resource: { attributes: kvs(rs.resource?.attributes) },
      scopeSpans: (rs.scopeSpans ?? []).map((ss) => ({
        scope: { name: ss.scope?.name ?? '' },
        spans: (ss.spans ?? []).map((s): OtlpSpan => {
          const status: { code: number; message?: string } = { code: s.status?.code ?? 0 };
          if (s.status?.message !== undefined && s.status.message !== '') status.message = s.status.message;
          const span: OtlpSpan = {
            traceId: hex(s.traceId)!, spanId: hex(s.spanId)!, name: s.name, kind: s.kind ?? 0,
            startTimeUnixNano: s.startTimeUnixNano, endTimeUnixNano: s.endTimeUnixNano, attributes: kvs(s.attributes), status,
          };
          const parent = hex(s.parentSpanId);
          if (parent !== undefined) span.parentSpanId = parent;
          return span;
        }),
      })),
    })),
  };
}
