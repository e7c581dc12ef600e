import {
  deliverSpanJson, ingestSpanJson, matchSpanJson, otlpBodyOf, spanJson, type SpanHead, type SpanRecord,
} from './span-json.js';
import { deliverSpanProto, ingestSpanProto, matchSpanProto, otlpProtoBody, ProtoWriter, spanProto } from './span-proto.js';

/** OTLP/HTTP encodings (the values of OTEL_EXPORTER_OTLP_PROTOCOL that apply to HTTP). */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/**
 * The spans of one export request: the pipeline's three spans have their own writers, any other
 * span goes through `span`; `body` encodes them.
 */
export interface SpanBatch {
  readonly count: number;
  ingest(h: SpanHead, route: string, status: number, bus: string | undefined, error: string | undefined): void;
  match(h: SpanHead, bus: string, sequence: number, id: string, source: string, type: string, rules: string): void;
  deliver(h: SpanHead, bus: string, rule: string, target: string, deliveryId: number, sequence: number, eventId: string, status: number | null, error: string | undefined): void;
  span(s: SpanRecord): void;
  /** The request body (ExportTraceServiceRequest) and its content type. */
  body(serviceName: string): { readonly body: string | Buffer; readonly contentType: string };
}

/** A span as recorded: which writer, and its arguments (encoded only when the batch is sent). */
type Recorded =
  | { readonly k: 'ingest'; readonly h: SpanHead; readonly route: string; readonly status: number; readonly bus: string | undefined; readonly error: string | undefined }
  | { readonly k: 'match'; readonly h: SpanHead; readonly bus: string; readonly sequence: number; readonly id: string; readonly source: string; readonly type: string; readonly rules: string }
  | {
    readonly k: 'deliver'; readonly h: SpanHead; readonly bus: string; readonly rule: string; readonly target: string; readonly deliveryId: number;
    readonly sequence: number; readonly eventId: string; readonly status: number | null; readonly error: string | undefined;
  }
  | { readonly k: 'span'; readonly s: SpanRecord };

/**
 * Keeps each span's values as they come and encodes the whole batch when it is sent: one tight
 * loop over a batch runs several times faster than the same writer called once per request
 * between the rest of the put path (measured in the server: ~5 µs per span encoded inline).
 */
class RecordingBatch implements SpanBatch {
  readonly #spans: Recorded[] = [];
  readonly #protocol: OtlpProtocol;

  constructor(protocol: OtlpProtocol) {
    this.#protocol = protocol;
  }

  get count(): number {
    return this.#spans.length;
  }

  ingest(h: SpanHead, route: string, status: number, bus: string | undefined, error: string | undefined): void {
    this.#spans.push({ k: 'ingest', h, route, status, bus, error });
  }

  match(h: SpanHead, bus: string, sequence: number, id: string, source: string, type: string, rules: string): void {
    this.#spans.push({ k: 'match', h, bus, sequence, id, source, type, rules });
  }

  deliver(h: SpanHead, bus: string, rule: string, target: string, deliveryId: number, sequence: number, eventId: string, status: number | null, error: string | undefined): void {
    this.#spans.push({ k: 'deliver', h, bus, rule, target, deliveryId, sequence, eventId, status, error });
  }

  span(s: SpanRecord): void {
    this.#spans.push({ k: 'span', s });
  }

  body(serviceName: string): { body: string | Buffer; contentType: string } {
    if (this.#protocol === 'http/json') {
      const texts = this.#spans.map((r) => {
        switch (r.k) {
          case 'ingest': return ingestSpanJson(r.h, r.route, r.status, r.bus, r.error);
          case 'match': return matchSpanJson(r.h, r.bus, r.sequence, r.id, r.source, r.type, r.rules);
          case 'deliver': return deliverSpanJson(r.h, r.bus, r.rule, r.target, r.deliveryId, r.sequence, r.eventId, r.status, r.error);
          default: return spanJson(r.s);
        }
      });
      return { body: otlpBodyOf(serviceName, texts), contentType: 'application/json' };
    }
    const w = new ProtoWriter(256 * this.#spans.length + 1024);
    for (const r of this.#spans) {
      switch (r.k) {
        case 'ingest': ingestSpanProto(w, r.h, r.route, r.status, r.bus, r.error); break;
        case 'match': matchSpanProto(w, r.h, r.bus, r.sequence, r.id, r.source, r.type, r.rules); break;
        case 'deliver': deliverSpanProto(w, r.h, r.bus, r.rule, r.target, r.deliveryId, r.sequence, r.eventId, r.status, r.error); break;
        default: spanProto(w, r.s);
      }
    }
    return { body: otlpProtoBody(serviceName, w), contentType: 'application/x-protobuf' };
  }
}

/** An empty batch in the given encoding. */
export function newSpanBatch(protocol: OtlpProtocol): SpanBatch {
  return new RecordingBatch(protocol);
}
