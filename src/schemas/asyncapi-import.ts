import type { JsonValue, Violation } from '../core/index.js';
import type { SchemaDialect } from './types.js';

type Obj = { readonly [k: string]: JsonValue };
const isObj = (v: JsonValue | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One message payload of an AsyncAPI document, ready to register as a schema version. */
export interface ImportedSchema {
  /** The message's `name` (by convention the CloudEvents type), else its component key. */
  readonly name: string;
  /** `x-source` of the message (Switchyard's own documents carry it for source-scoped schemas). */
  readonly source: string | null;
  readonly dialect: SchemaDialect | undefined;
  /** Self-contained: the document's component schemas it refers to are copied into `$defs`. */
  readonly schema: JsonValue;
  /** Where the message is in the document (a JSON pointer). */
  readonly at: string;
}

export interface AsyncApiImport {
  readonly schemas: readonly ImportedSchema[];
  /** Messages that cannot be imported, one entry each (the rest are still imported). */
  readonly skipped: readonly Violation[];
}

/** Most component schemas one payload may pull into its `$defs`, and most `$ref` hops to a message. */
const MAX_DEFS = 1000;
const MAX_REF_HOPS = 16;

const pointer = (parts: readonly string[]): string => `/${parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

/** The value at a local `$ref` (`#/a/b`), or undefined. */
function resolve(doc: Obj, ref: string): JsonValue | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let at: JsonValue | undefined = doc;
  for (const raw of ref.slice(2).split('/')) {
    let key: string;
    try {
      key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return undefined; // malformed percent-encoding
    }
    at = isObj(at) && Object.hasOwn(at, key) ? at[key] : undefined;
  }
  return at;
}

/** Follows `$ref` hops from a message object to the object itself. */
function deref(doc: Obj, v: JsonValue | undefined): Obj | undefined {
  for (let i = 0; i < MAX_REF_HOPS && isObj(v); i++) {
    if (typeof v.$ref !== 'string') return v;
    v = resolve(doc, v.$ref);
  }
  return undefined;
}

function dialectOf(format: string | undefined): SchemaDialect | undefined | 'unsupported' {
  if (format === undefined) return undefined;
  const f = format.toLowerCase().replace(/\s+/g, '');
  if (f.startsWith('application/vnd.aai.asyncapi')) return 'draft-07';
  if (f.startsWith('application/schema+json') || f.startsWith('application/schema+yaml')) {
    if (f.includes('version=2020-12')) return '2020-12';
    if (f.includes('version=draft-07')) return 'draft-07';
    return undefined;
  }
  return 'unsupported';
}

/**
 * Copies the component schemas a payload refers to (`#/components/schemas/X`, transitively)
 * into the payload's `$defs` and points its refs there, so the registered schema stands alone.
 * Returns a violation reason for a ref it cannot follow.
 */
function selfContained(doc: Obj, payload: JsonValue): { schema: JsonValue } | { reason: string } {
  const defs = new Map<string, JsonValue>();
  const queue: string[] = [];
  let bad: string | undefined;
  const rewrite = (v: JsonValue): JsonValue => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (!isObj(v)) return v;
    const out: { [k: string]: JsonValue } = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string' && x.startsWith('#/components/schemas/')) {
        const name = x.slice('#/components/schemas/'.length);
        if (!defs.has(name)) {
          if (defs.size >= MAX_DEFS) bad ??= `refers to more than ${MAX_DEFS} component schemas`;
          defs.set(name, null);
          queue.push(name);
        }
        out[k] = `#/$defs/${name}`;
      } else if (k === '$ref' && typeof x === 'string' && !x.startsWith('#')) {
        bad ??= `refers to an external document (${x}); only references inside the document are followed`;
        out[k] = x;
      } else out[k] = rewrite(x);
    }
    return out;
  };
  const root = rewrite(payload);
  while (queue.length > 0 && bad === undefined) {
    const name = queue.shift()!;
    const target = resolve(doc, `#/components/schemas/${name}`);
    if (target === undefined) return { reason: `refers to #/components/schemas/${name}, which the document does not have` };
    defs.set(name, rewrite(target));
  }
  if (bad !== undefined) return { reason: bad };
  if (defs.size === 0) return { schema: root };
  if (!isObj(root)) return { reason: 'the payload must be a schema object' };
  const own = isObj(root.$defs) ? root.$defs : {};
  return { schema: { ...root, $defs: { ...Object.fromEntries(defs), ...own } } };
}

/**
 * The message payload schemas of an AsyncAPI 3 document (parsed from YAML or JSON): every
 * message under `components.messages` and under each channel's `messages`, `$ref`s followed,
 * each message once. A payload is a JSON Schema (draft-07 or 2020-12, as its multi-format
 * `schemaFormat` says) or an AsyncAPI schema (read as draft-07); other formats (Avro, RAML,
 * Protobuf) are skipped with the reason, and so are messages without a payload.
 */
export function asyncApiSchemas(doc: unknown): AsyncApiImport {
  const skipped: Violation[] = [];
  if (!isObj(doc as JsonValue)) return { schemas: [], skipped: [{ path: '', reason: 'the document must be an object' }] };
  const d = doc as Obj;
  if (typeof d.asyncapi !== 'string' || !d.asyncapi.startsWith('3.')) {
    return { schemas: [], skipped: [{ path: '/asyncapi', reason: `must be an AsyncAPI 3 version (found ${JSON.stringify(d.asyncapi ?? null)})` }] };
  }
  const found: { at: string[]; key: string; msg: Obj }[] = [];
  const seen = new Set<Obj>();
  const visit = (at: string[], key: string, v: JsonValue | undefined): void => {
    const msg = deref(d, v);
    if (msg === undefined) {
      skipped.push({ path: pointer(at), reason: 'a $ref that leads nowhere (or loops)' });
      return;
    }
    if (seen.has(msg)) return;
    seen.add(msg);
    found.push({ at, key, msg });
  };
  const components = isObj(d.components) && isObj(d.components.messages) ? d.components.messages : {};
  for (const [key, v] of Object.entries(components)) visit(['components', 'messages', key], key, v);
  const channels = isObj(d.channels) ? d.channels : {};
  for (const [ch, cv] of Object.entries(channels)) {
    const channel = deref(d, cv);
    const msgs = channel !== undefined && isObj(channel.messages) ? channel.messages : {};
    for (const [key, v] of Object.entries(msgs)) visit(['channels', ch, 'messages', key], key, v);
  }
  const schemas: ImportedSchema[] = [];
  for (const { at, key, msg } of found) {
    const path = pointer(at);
    const name = typeof msg.name === 'string' && msg.name !== '' ? msg.name : key;
    const source = typeof msg['x-source'] === 'string' ? msg['x-source'] : null;
    let payload = msg.payload;
    if (payload === undefined) {
      skipped.push({ path: `${path}/payload`, reason: 'the message has no payload' });
      continue;
    }
    // A multi-format schema object: { schemaFormat, schema }.
    let dialect: SchemaDialect | undefined;
    if (isObj(payload) && typeof payload.schemaFormat === 'string' && 'schema' in payload) {
      const dl = dialectOf(payload.schemaFormat);
      if (dl === 'unsupported') {
        skipped.push({ path: `${path}/payload/schemaFormat`, reason: `schema format ${payload.schemaFormat} is not JSON Schema; not imported` });
        continue;
      }
      dialect = dl;
      payload = payload.schema;
    }
    if (isObj(payload) && typeof payload.$ref === 'string' && payload.$ref.startsWith('#/components/schemas/') && Object.keys(payload).length === 1) {
      // A payload that is only a reference registers the component itself (its own refs kept).
      const target = resolve(d, payload.$ref);
      if (target === undefined) {
        skipped.push({ path: `${path}/payload`, reason: `refers to ${payload.$ref}, which the document does not have` });
        continue;
      }
      payload = target;
    }
    const contained = selfContained(d, payload!);
    if ('reason' in contained) {
      skipped.push({ path: `${path}/payload`, reason: contained.reason });
      continue;
    }
    schemas.push({ name, source, dialect, schema: contained.schema, at: path });
  }
  return { schemas, skipped };
}
