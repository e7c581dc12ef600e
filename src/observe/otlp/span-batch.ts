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
  /** The request body (ExportTraceServiceRequest) and its content type; `resource`: attributes besides service.name. */
  body(serviceName: string, resource?: Readonly<Record<string, string>>): { readonly body: string | Buffer; readonly contentType: string };
}

/**
 * Protobuf: each span is written into the batch's buffer when it ends, so a batch holds bytes, not
 * objects. (Keeping each span's values as objects until the batch was sent, and encoding them
 * then, cost more in the server: up to 512 spans' objects outlived young-generation collections
 * and were promoted, and the old-generation collections that followed cost ~15 µs per single put
 * at saturation, measured against the same server recording nothing.)
 */
class ProtoBatch implements SpanBatch {
  readonly #w: ProtoWriter;
  #count = 0;

  /** Sized for `spans` spans of the pipeline (~260 B each), so a full batch is written without the buffer growing. */
  constructor(spans: number) {
    this.#w = new ProtoWriter(Math.min(4096, Math.max(16, spans)) * 320);
  }

  get count(): number {
    return this.#count;
  }

  ingest(h: SpanHead, route: string, status: number, bus: string | undefined, error: string | undefined): void {
    this.#write(() => ingestSpanProto(this.#w, h, route, status, bus, error));
  }

  match(h: SpanHead, bus: string, sequence: number, id: string, source: string, type: string, rules: string): void {
    this.#write(() => matchSpanProto(this.#w, h, bus, sequence, id, source, type, rules));
  }

  deliver(h: SpanHead, bus: string, rule: string, target: string, deliveryId: number, sequence: number, eventId: string, status: number | null, error: string | undefined): void {
    this.#write(() => deliverSpanProto(this.#w, h, bus, rule, target, deliveryId, sequence, eventId, status, error));
  }

  span(s: SpanRecord): void {
    this.#write(() => spanProto(this.#w, s));
  }

  /** Writes one span whole or not at all: a writer that throws leaves no partial span in the batch. */
  #write(span: () => void): void {
    const at = this.#w.length;
    try {
      span();
    } catch (err) {
      this.#w.truncate(at);
      throw err;
    }
    this.#count++;
  }

  body(serviceName: string, resource: Readonly<Record<string, string>> = {}): { body: Buffer; contentType: string } {
    return { body: otlpProtoBody(serviceName, this.#w, resource), contentType: 'application/x-protobuf' };
  }
}

/** Protobuf-JSON: each span is kept as its JSON text, written when it ends; the body joins them. */
class JsonBatch implements SpanBatch {
  readonly #texts: string[] = [];

  get count(): number {
    return this.#texts.length;
  }

  ingest(h: SpanHead, route: string, status: number, bus: string | undefined, error: string | undefined): void {
    this.#texts.push(ingestSpanJson(h, route, status, bus, error));
  }

  match(h: SpanHead, bus: string, sequence: number, id: string, source: string, type: string, rules: string): void {
    this.#texts.push(matchSpanJson(h, bus, sequence, id, source, type, rules));
  }

  deliver(h: SpanHead, bus: string, rule: string, target: string, deliveryId: number, sequence: number, eventId: string, status: number | null, error: string | undefined): void {
    this.#texts.push(deliverSpanJson(h, bus, rule, target, deliveryId, sequence, eventId, status, error));
  }

  span(s: SpanRecord): void {
    this.#texts.push(spanJson(s));
  }

  body(serviceName: string, resource: Readonly<Record<string, string>> = {}): { body: string; contentType: string } {
    return { body: otlpBodyOf(serviceName, this.#texts, resource), contentType: 'application/json' };
  }
}

/** An empty batch in the given encoding, for up to about `spans` spans (it grows past that). */
export function newSpanBatch(protocol: OtlpProtocol, spans: number): SpanBatch {
  return protocol === 'http/json' ? new JsonBatch() : new ProtoBatch(spans);
}
