import { isJsonObject, type JsonObject, type JsonValue, type TemplateFormat, type TransformSpec, type Violation } from '../core/index.js';
import { pointerJoin } from './pointer.js';

/** The transformer spec and template format are types of the saved rule (src/core/rule-target.ts). */
export type { TransformSpec, TemplateFormat };

/** Placeholder syntax: `${name}` (Switchyard / RocketMQ EventBridge) or `<name>` (AWS). */
export type PlaceholderSyntax = 'dollar' | 'angle';

/** A value with the JSON Pointer (into the request) it was read from, for violations. */
export interface Located<T> {
  readonly value: T;
  readonly at: string;
}

/** A validated, normalized transformer: what the compiler works from. */
export type TransformPlan =
  | { readonly kind: 'complete' }
  | { readonly kind: 'partial'; readonly path: Located<string> }
  | { readonly kind: 'constant'; readonly value: JsonValue; readonly jsonText?: string }
  | {
      readonly kind: 'template';
      readonly syntax: PlaceholderSyntax;
      readonly variables: ReadonlyArray<{ readonly name: string; readonly path: Located<string>; readonly at: string }>;
      readonly template: Located<string>;
      readonly format: TemplateFormat;
    };

const SHAPE = 'SWY_TRANSFORM_SHAPE' as const;
const KINDS = ['complete', 'partial', 'constant', 'template'] as const;

/** Reads the property `pascal` or its camelCase twin; both present is a violation. */
function pick(o: JsonObject, pascal: string, at: string, out: Violation[]): { key: string; value: JsonValue } | undefined {
  const camel = pascal[0]?.toLowerCase() + pascal.slice(1);
  const hasP = Object.hasOwn(o, pascal);
  const hasC = Object.hasOwn(o, camel);
  if (hasP && hasC) {
    out.push({ path: pointerJoin(at, camel), reason: `give either "${pascal}" or "${camel}", not both`, code: SHAPE });
    return undefined;
  }
  if (hasP) return { key: pascal, value: o[pascal] as JsonValue };
  if (hasC) return { key: camel, value: o[camel] as JsonValue };
  return undefined;
}

function rejectUnknown(o: JsonObject, allowed: readonly string[], at: string, out: Violation[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) out.push({ path: pointerJoin(at, k), reason: `unknown property "${k}"`, code: SHAPE });
  }
}

function str(v: JsonValue | undefined, at: string, what: string, out: Violation[]): string | undefined {
  if (typeof v === 'string') return v;
  out.push({ path: at, reason: v === undefined ? `${what} is required` : `${what} must be a string`, code: SHAPE });
  return undefined;
}

function pathMap(v: JsonValue | undefined, at: string, out: Violation[]): Array<{ name: string; path: Located<string>; at: string }> | undefined {
  if (v === undefined) return [];
  if (!isJsonObject(v)) {
    out.push({ path: at, reason: 'must be an object of variable name → JSONPath', code: SHAPE });
    return undefined;
  }
  const vars: Array<{ name: string; path: Located<string>; at: string }> = [];
  for (const [name, p] of Object.entries(v)) {
    const pat = pointerJoin(at, name);
    const s = str(p, pat, `variable "${name}"`, out);
    if (s !== undefined) vars.push({ name, path: { value: s, at: pat }, at: pat });
  }
  return vars;
}

/**
 * Validates the shape of a transformer and normalizes it. Appends one violation per problem
 * (paths below `at`) and returns undefined when there is any; never throws.
 */
export function readTransformSpec(raw: unknown, at: string, out: Violation[]): TransformPlan | undefined {
  const before = out.length;
  if (!isJsonObject(raw as JsonValue)) {
    out.push({ path: at, reason: 'a transformer must be a JSON object', code: SHAPE });
    return undefined;
  }
  const o = raw as JsonObject;
  if (!Object.hasOwn(o, 'type')) return readAwsSpec(o, at, out);
  const type = o.type;
  const typeAt = pointerJoin(at, 'type');
  if (typeof type !== 'string' || !(KINDS as readonly string[]).includes(type)) {
    out.push({ path: typeAt, reason: `type must be one of ${KINDS.join(', ')}`, code: SHAPE });
    return undefined;
  }
  let plan: TransformPlan | undefined;
  switch (type as (typeof KINDS)[number]) {
    case 'complete':
      rejectUnknown(o, ['type'], at, out);
      plan = { kind: 'complete' };
      break;
    case 'partial': {
      rejectUnknown(o, ['type', 'path'], at, out);
      const pat = pointerJoin(at, 'path');
      const p = str(o.path, pat, 'path', out);
      if (p !== undefined) plan = { kind: 'partial', path: { value: p, at: pat } };
      break;
    }
    case 'constant':
      rejectUnknown(o, ['type', 'value'], at, out);
      if (!Object.hasOwn(o, 'value')) out.push({ path: pointerJoin(at, 'value'), reason: 'value is required', code: SHAPE });
      else plan = { kind: 'constant', value: o.value as JsonValue };
      break;
    case 'template': {
      rejectUnknown(o, ['type', 'variables', 'template', 'format'], at, out);
      const tat = pointerJoin(at, 'template');
      const template = str(o.template, tat, 'template', out);
      const variables = pathMap(o.variables, pointerJoin(at, 'variables'), out);
      const format = o.format ?? 'auto';
      if (format !== 'auto' && format !== 'json' && format !== 'text') {
        out.push({ path: pointerJoin(at, 'format'), reason: 'format must be "auto", "json" or "text"', code: SHAPE });
      } else if (template !== undefined && variables !== undefined) {
        plan = { kind: 'template', syntax: 'dollar', variables, template: { value: template, at: tat }, format };
      }
      break;
    }
  }
  return out.length === before ? plan : undefined;
}

/** The AWS target fields: exactly one of InputPath, InputTransformer, Input. */
function readAwsSpec(o: JsonObject, at: string, out: Violation[]): TransformPlan | undefined {
  const before = out.length;
  const inputPath = pick(o, 'InputPath', at, out);
  const transformer = pick(o, 'InputTransformer', at, out);
  const input = pick(o, 'Input', at, out);
  const given = [inputPath, transformer, input].filter((x) => x !== undefined);
  rejectUnknown(o, ['InputPath', 'inputPath', 'InputTransformer', 'inputTransformer', 'Input', 'input'], at, out);
  if (out.length > before) return undefined;
  if (given.length !== 1) {
    out.push({
      path: at,
      reason: given.length === 0
        ? `a transformer needs "type" (${KINDS.join(', ')}) or one of the AWS fields InputPath, InputTransformer, Input`
        : 'give only one of InputPath, InputTransformer, Input',
      code: SHAPE,
    });
    return undefined;
  }
  if (inputPath !== undefined) {
    const pat = pointerJoin(at, inputPath.key);
    const p = str(inputPath.value, pat, inputPath.key, out);
    return p === undefined ? undefined : { kind: 'partial', path: { value: p, at: pat } };
  }
  if (input !== undefined) {
    const pat = pointerJoin(at, input.key);
    const text = str(input.value, pat, input.key, out);
    if (text === undefined) return undefined;
    try {
      return { kind: 'constant', value: JSON.parse(text) as JsonValue, jsonText: text };
    } catch (e) {
      out.push({ path: pat, reason: `${input.key} must be valid JSON text: ${(e as Error).message}`, code: SHAPE });
      return undefined;
    }
  }
  const tat = pointerJoin(at, (transformer as { key: string }).key);
  const t = (transformer as { value: JsonValue }).value;
  if (!isJsonObject(t)) {
    out.push({ path: tat, reason: 'must be an object with InputTemplate and optional InputPathsMap', code: SHAPE });
    return undefined;
  }
  const map = pick(t, 'InputPathsMap', tat, out);
  const tpl = pick(t, 'InputTemplate', tat, out);
  rejectUnknown(t, ['InputPathsMap', 'inputPathsMap', 'InputTemplate', 'inputTemplate'], tat, out);
  const templateAt = pointerJoin(tat, tpl?.key ?? 'InputTemplate');
  const template = str(tpl?.value, templateAt, 'InputTemplate', out);
  const variables = pathMap(map?.value, pointerJoin(tat, map?.key ?? 'InputPathsMap'), out);
  if (out.length > before || template === undefined || variables === undefined) return undefined;
  return { kind: 'template', syntax: 'angle', variables, template: { value: template, at: templateAt }, format: 'auto' };
}
