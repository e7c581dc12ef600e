import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { SwitchyardError, isJsonObject, type JsonObject, type JsonValue, type Violation } from '../../core/index.js';
import { createEvent, type AttributeValue, type CloudEvent, type CreateEventData } from '../../events/index.js';
import { checkTransform, compilePath, outputValue, type CompiledPath, type CompiledTransform } from '../../transform/index.js';
import { presetNames, presetOf, type Preset, type PresetAttributes } from './presets.js';

/**
 * The generic mapping (docs/sources.md#mapping): how a received message becomes a CloudEvent.
 *
 * ```json
 * { "preset": "github",
 *   "id": "$.headers.x-request-id", "type": { "template": "shop.${t}", "variables": { "t": "$.body.topic" } },
 *   "source": { "value": "https://shop.example" }, "subject": "$.body.order.id", "time": "$.body.created_at",
 *   "extensions": { "tenant": "$.query.tenant" }, "data": { "type": "partial", "path": "$.body.order" } }
 * ```
 *
 * An attribute is a JSONPath (a string starting with `$`), a constant `{ "value" }` or a template
 * `{ "template", "variables"? }` (the transformer engine's, rendered as text). `data` is a
 * transformer (partial, template, constant); without one the message's body is the data,
 * byte-exact. JSONPaths and templates read the *message document* the kind builds (webhooks:
 * `{ method, headers, query, body }`, `body` parsed when it is JSON). A preset fills what the
 * provider's requests say (GitHub: id from X-GitHub-Delivery, …); fields given here win.
 * Attributes neither gives default to a random id, the kind's type and `/sources/<name>`; an id,
 * type or source the mapping names but the message lacks fails the message (a random id would
 * defeat dedupe); a subject, time or extension it lacks is left out.
 */
export interface MappingInput {
  /** What JSONPaths and templates read. */
  readonly doc: JsonObject;
  /** The raw payload, kept as `data` byte-exact when the mapping has no `data`. */
  readonly body: Uint8Array;
  /** The payload's media type (becomes `datacontenttype` for raw data). */
  readonly contentType: string | undefined;
}

/** What a source's mapping needs of its context at run time. */
export interface MappingContext {
  readonly name: string;
  readonly bus: string;
  /** Default `type` (e.g. `switchyard.webhook.received`). */
  readonly defaultType: string;
  readonly now: number;
  /**
   * The id when neither the mapping nor its preset gives one (default: a random UUID). Broker
   * kinds pass one the broker keeps across redeliveries (a JetStream sequence, a stream entry
   * id, an AMQP message-id), so a message redelivered after its commit is a duplicate.
   */
  readonly defaultId?: string | undefined;
}

export interface CompiledMapping {
  /** Whether the document must hold the parsed body (a preset or a path reads it). */
  readonly readsBody: boolean;
  /** The preset's name, if any. */
  readonly preset: string | undefined;
  /** Builds the event. @throws SwitchyardError SWY_SOURCE_MAPPING_FAILED with one violation per problem. */
  apply(input: MappingInput, ctx: MappingContext): CloudEvent;
}

type Field = (doc: JsonObject, ctx: MappingContext) => JsonValue | undefined;

const ATTRIBUTES = ['id', 'type', 'source', 'subject', 'time', 'dataschema'] as const;
type Attribute = (typeof ATTRIBUTES)[number];
const KEYS = new Set<string>(['preset', ...ATTRIBUTES, 'extensions', 'data', 'datacontenttype']);
const MAX_EXTENSIONS = 20;
const EXTENSION_NAME = /^[a-z0-9]{1,20}$/;

const transformCtx = (ctx: MappingContext): { ruleName: string; bus: string; ingestionTime: string } =>
  ({ ruleName: ctx.name, bus: ctx.bus, ingestionTime: new Date(ctx.now).toISOString() });

function compileField(v: unknown, at: string, maxBytes: number, out: Violation[]): Field | undefined {
  if (typeof v === 'string') {
    if (!v.startsWith('$')) {
      out.push({ path: at, reason: 'must be a JSONPath (starting with $), { "value": … } or { "template": … }' });
      return undefined;
    }
    const r = compilePath(v);
    if (!r.ok) {
      out.push({ path: at, reason: `invalid JSONPath "${v}": ${r.reason}` });
      return undefined;
    }
    const p: CompiledPath = r.path;
    return (doc) => p.select(doc);
  }
  if (isJsonObject(v as JsonValue)) {
    const o = v as JsonObject;
    const keys = Object.keys(o);
    if (Object.hasOwn(o, 'value')) {
      if (keys.length !== 1) out.push({ path: at, reason: 'a constant is { "value": … } alone' });
      const value = o.value as JsonValue;
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') out.push({ path: `${at}/value`, reason: 'must be a string, number or boolean' });
      return () => value;
    }
    if (typeof o.template === 'string') {
      const c = checkTransform({ type: 'template', template: o.template, variables: o.variables ?? {}, format: 'text' }, at, { maxOutputBytes: maxBytes });
      for (const k of keys) if (k !== 'template' && k !== 'variables') out.push({ path: `${at}/${k}`, reason: `unknown property "${k}"` });
      if (!c.ok) {
        out.push(...c.violations);
        return undefined;
      }
      const t = c.transform;
      return (doc, ctx) => t.run(doc, transformCtx(ctx)).body;
    }
  }
  out.push({ path: at, reason: 'must be a JSONPath (starting with $), { "value": … } or { "template": …, "variables"?: … }' });
  return undefined;
}

/** True when a field reads the body: a path or variable naming `body` (cheap textual check). */
const mentionsBody = (v: unknown): boolean => JSON.stringify(v ?? null).includes('body');

/**
 * Checks and compiles a mapping (null/undefined: the kind's default, i.e. no preset, raw data).
 * `presets` restricts which presets this kind accepts (webhook kinds take every provider's).
 */
export function checkMapping(spec: unknown, at = '/mapping', maxBytes = 256 * 1024, presets: readonly string[] = presetNames()): { ok: true; mapping: CompiledMapping } | { ok: false; violations: Violation[] } {
  const out: Violation[] = [];
  if (spec === undefined || spec === null) return { ok: true, mapping: buildMapping(undefined, {}, undefined, {}, undefined, false) };
  if (!isJsonObject(spec as JsonValue)) return { ok: false, violations: [{ path: at, reason: 'must be an object' }] };
  const o = spec as JsonObject;
  for (const k of Object.keys(o)) if (!KEYS.has(k)) out.push({ path: `${at}/${k}`, reason: `unknown property "${k}"` });
  let preset: Preset | undefined;
  if (o.preset !== undefined) {
    preset = typeof o.preset === 'string' && presets.includes(o.preset) ? presetOf(o.preset) : undefined;
    if (preset === undefined) out.push({ path: `${at}/preset`, reason: `must be one of ${presets.join(', ')}` });
  }
  const fields: Partial<Record<Attribute, Field>> = {};
  for (const a of ATTRIBUTES) {
    if (o[a] === undefined) continue;
    const f = compileField(o[a], `${at}/${a}`, maxBytes, out);
    if (f !== undefined) fields[a] = f;
  }
  const extensions: Record<string, Field> = {};
  if (o.extensions !== undefined) {
    if (!isJsonObject(o.extensions)) out.push({ path: `${at}/extensions`, reason: 'must be an object of extension name → field' });
    else {
      const names = Object.keys(o.extensions);
      if (names.length > MAX_EXTENSIONS) out.push({ path: `${at}/extensions`, reason: `at most ${MAX_EXTENSIONS} extensions` });
      for (const n of names.slice(0, MAX_EXTENSIONS)) {
        if (!EXTENSION_NAME.test(n) || ['data', 'specversion', 'datacontenttype', ...ATTRIBUTES].includes(n)) {
          out.push({ path: `${at}/extensions/${n}`, reason: 'an extension name is 1-20 lower-case letters or digits, not a core attribute' });
          continue;
        }
        const f = compileField(o.extensions[n], `${at}/extensions/${n}`, maxBytes, out);
        if (f !== undefined) extensions[n] = f;
      }
    }
  }
  let data: CompiledTransform | undefined;
  if (o.data !== undefined) {
    const c = checkTransform(o.data, `${at}/data`, { maxOutputBytes: maxBytes });
    if (!c.ok) out.push(...c.violations);
    else if (c.transform.kind === 'complete') out.push({ path: `${at}/data`, reason: 'a complete transformer would copy the whole message document; use partial, template or constant' });
    else data = c.transform;
  }
  let contentType: string | undefined;
  if (o.datacontenttype !== undefined) {
    if (typeof o.datacontenttype !== 'string' || o.datacontenttype.length === 0 || o.datacontenttype.length > 256) out.push({ path: `${at}/datacontenttype`, reason: 'must be a media type' });
    else contentType = o.datacontenttype;
  }
  if (out.length > 0) return { ok: false, violations: out };
  const readsBody = preset !== undefined || mentionsBody(o);
  return { ok: true, mapping: buildMapping(preset, fields, data, extensions, contentType, readsBody) };
}

function attributeText(v: JsonValue | undefined, at: string, out: Violation[], required: boolean): string | undefined {
  if (v === undefined || v === null) {
    if (required) out.push({ path: at, reason: 'the mapping found no value' });
    return undefined;
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  out.push({ path: at, reason: 'the mapping found an object or array, not a string' });
  return undefined;
}

function isJsonType(ct: string | undefined): boolean {
  if (ct === undefined) return false;
  const t = ct.split(';', 1)[0]!.trim().toLowerCase();
  return t === 'application/json' || t.endsWith('+json');
}

function isTextType(ct: string | undefined): boolean {
  if (ct === undefined) return false;
  const t = ct.split(';', 1)[0]!.trim().toLowerCase();
  return t.startsWith('text/') || t === 'application/x-www-form-urlencoded' || t === 'application/xml' || t.endsWith('+xml');
}

/** The message's body as the event's data, byte-exact: JSON (its exact text), text, or bytes. */
export function rawData(body: Uint8Array, contentType: string | undefined, parsed: JsonValue | undefined): { data: CreateEventData; contentType: string | undefined } {
  if (body.length === 0) return { data: { kind: 'none' }, contentType: undefined };
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (isJsonType(contentType) && isUtf8(buf)) {
    const text = buf.toString('utf8');
    if (parsed !== undefined) return { data: { kind: 'json', value: parsed, text }, contentType };
    try {
      return { data: { kind: 'json', value: JSON.parse(text) as JsonValue, text }, contentType };
    } catch {
      return { data: { kind: 'binary', bytes: body }, contentType };
    }
  }
  if (isTextType(contentType) && isUtf8(buf)) return { data: { kind: 'text', text: buf.toString('utf8') }, contentType };
  return { data: { kind: 'binary', bytes: body }, contentType: contentType ?? 'application/octet-stream' };
}

function buildMapping(
  preset: Preset | undefined, fields: Partial<Record<Attribute, Field>>, data: CompiledTransform | undefined,
  extensions: Readonly<Record<string, Field>>, contentType: string | undefined, readsBody: boolean,
): CompiledMapping {
  const extNames = Object.keys(extensions);
  return {
    readsBody,
    preset: preset?.name,
    apply(input, ctx) {
      const out: Violation[] = [];
      const doc = input.doc;
      const given: PresetAttributes = preset === undefined ? {} : preset.map(doc);
      const attr = (a: Attribute, required: boolean): string | undefined => {
        const f = fields[a];
        if (f !== undefined) return attributeText(f(doc, ctx), `/mapping/${a}`, out, required);
        return given[a];
      };
      // id, type and source the mapping names must be found (a silent random id would defeat dedupe).
      const id = attr('id', true) ?? ctx.defaultId ?? randomUUID();
      const type = attr('type', true) ?? ctx.defaultType;
      const source = attr('source', true) ?? `/sources/${ctx.name}`;
      const subject = attr('subject', false);
      const time = attr('time', false);
      const dataschema = attr('dataschema', false);
      const ext: Record<string, AttributeValue> = { ...given.extensions };
      for (const n of extNames) {
        const v = attributeText(extensions[n]!(doc, ctx), `/mapping/extensions/${n}`, out, false);
        if (v !== undefined) ext[n] = v;
      }
      let d: CreateEventData;
      let ct: string | undefined;
      if (data === undefined) {
        const raw = rawData(input.body, input.contentType, isJsonObject(doc.body as JsonValue) || Array.isArray(doc.body) ? doc.body as JsonValue : undefined);
        d = raw.data;
        ct = contentType ?? raw.contentType;
      } else {
        const r = data.run(doc, transformCtx(ctx));
        if (r.format === 'text') {
          d = { kind: 'text', text: r.body };
          ct = contentType ?? 'text/plain; charset=utf-8';
        } else {
          d = { kind: 'json', value: outputValue(r), text: r.body };
          ct = contentType ?? 'application/json';
        }
      }
      if (out.length > 0) throw mappingFailed(out);
      try {
        return createEvent({
          id, type, source,
          ...(subject === undefined ? {} : { subject }),
          ...(time === undefined ? {} : { time }),
          ...(dataschema === undefined ? {} : { dataschema }),
          ...(ct === undefined || d.kind === 'none' ? {} : { datacontenttype: ct }),
          extensions: ext,
          data: d,
        });
      } catch (e) {
        const v = (e as { violations?: Violation[] }).violations;
        throw mappingFailed(v !== undefined && v.length > 0 ? v.map((x) => ({ path: `/event${x.path}`, reason: x.reason })) : [{ path: '/event', reason: (e as Error).message }]);
      }
    },
  };
}

export function mappingFailed(violations: readonly Violation[]): SwitchyardError {
  const first = violations[0];
  const message = violations.length === 1 && first !== undefined ? `the message could not be mapped to a CloudEvent: ${first.path}: ${first.reason}` : `the message could not be mapped to a CloudEvent: ${violations.length} problems`;
  return new SwitchyardError('SWY_SOURCE_MAPPING_FAILED', message, { violations: [...violations] });
}
