import { SwitchyardError, type JsonObject, type JsonValue, type Violation } from '../core/index.js';
import { compilePath, type CompiledPath } from './jsonpath/evaluate.js';
import { DEFAULT_MAX_OUTPUT_BYTES, exceedsBytes, type TransformLimits } from './limits.js';
import { CONTENT_TYPE, type OutputFormat, type TransformOutput } from './output.js';
import { readTransformSpec, type TransformPlan } from './spec.js';
import { compileTemplate } from './template/compile.js';
import { isPredefined, isReservedName, predefinedResolver, VARIABLE_NAME, type TransformContext } from './variables.js';

/**
 * A transformer compiled once, at rule/target creation, and run per delivery.
 * `format`/`contentType` are known at compile time, so a target can decide how to deliver
 * before any event arrives. `run` throws only `SWY_TRANSFORM_OUTPUT_TOO_LARGE`, when a template
 * would render more than the output cap (limits.ts) — a failure no retry can fix.
 */
export interface CompiledTransform {
  readonly kind: 'complete' | 'partial' | 'constant' | 'template';
  readonly format: OutputFormat;
  readonly contentType: string;
  run(event: JsonObject, ctx: TransformContext): TransformOutput;
}

export type TransformCheck = { readonly ok: true; readonly transform: CompiledTransform } | { readonly ok: false; readonly violations: readonly Violation[] };

/**
 * Validates and compiles a transformer without throwing; violations are rooted at `at`
 * (a JSON Pointer into the caller's request, e.g. `/targets/0/transform`). An output that is
 * over `limits.maxOutputBytes` whatever the event (a constant, a template's literal text) is a
 * violation here; a template that renders over it for some event fails at run.
 */
export function checkTransform(spec: unknown, at = '/transform', limits: TransformLimits = {}): TransformCheck {
  const violations: Violation[] = [];
  const plan = readTransformSpec(spec, at, violations);
  if (plan === undefined) return { ok: false, violations };
  const transform = compilePlan(plan, at, limits.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES, violations);
  return transform === undefined ? { ok: false, violations } : { ok: true, transform };
}

/**
 * Compiles a transformer (DESIGN.md §8 shapes or the AWS target fields).
 * @throws SwitchyardError `SWY_TRANSFORM_INVALID` (400) with one violation per problem.
 * @example compileTransform({ type: 'partial', path: '$.data.order' }).run(event, ctx).body
 */
export function compileTransform(spec: unknown, options: { readonly at?: string } & TransformLimits = {}): CompiledTransform {
  const r = checkTransform(spec, options.at, options);
  if (r.ok) return r.transform;
  const first = r.violations[0] as Violation;
  const message = r.violations.length === 1 ? `Invalid transformer: ${first.path}: ${first.reason}` : `Invalid transformer: ${r.violations.length} problems`;
  throw new SwitchyardError('SWY_TRANSFORM_INVALID', message, { violations: r.violations });
}

function pathOrViolation(text: string, at: string, out: Violation[]): CompiledPath | undefined {
  const r = compilePath(text);
  if (r.ok) return r.path;
  out.push({ path: at, reason: `invalid JSONPath "${text}": ${r.reason}`, code: 'SWY_TRANSFORM_JSONPATH' });
  return undefined;
}

function deepFreeze<T extends JsonValue>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const e of Object.values(v)) deepFreeze(e);
    Object.freeze(v);
  }
  return v;
}

/** The cap as a reason, shared by the compile-time violation and the run-time error. */
const overCap = (max: number): string => `the output would exceed ${max} bytes (limits.maxTransformOutputBytes)`;

function compilePlan(plan: TransformPlan, at: string, maxBytes: number, out: Violation[]): CompiledTransform | undefined {
  switch (plan.kind) {
    case 'complete':
      return {
        kind: 'complete',
        format: 'event',
        contentType: CONTENT_TYPE.event,
        run: (event) => ({ format: 'event', contentType: CONTENT_TYPE.event, body: JSON.stringify(event), json: event }),
      };
    case 'partial': {
      const path = pathOrViolation(plan.path.value, plan.path.at, out);
      if (path === undefined) return undefined;
      return {
        kind: 'partial',
        format: 'json',
        contentType: CONTENT_TYPE.json,
        run: (event) => {
          // A missing path yields JSON null, as a missing placeholder does in a JSON template.
          const json = path.select(event) ?? null;
          return { format: 'json', contentType: CONTENT_TYPE.json, body: JSON.stringify(json), json };
        },
      };
    }
    case 'constant': {
      const constant = compileConstant(plan.value, plan.jsonText);
      const body = constant.run({}, { ruleName: '', bus: '', ingestionTime: '' }).body;
      if (exceedsBytes(body, maxBytes)) {
        out.push({ path: at, reason: `the constant is ${Buffer.byteLength(body, 'utf8')} bytes: ${overCap(maxBytes)}`, code: TOO_LARGE });
        return undefined;
      }
      return constant;
    }
    case 'template':
      return compileTemplatePlan(plan, maxBytes, out);
  }
}

const TOO_LARGE = 'SWY_TRANSFORM_OUTPUT_TOO_LARGE' as const;

/** A string constant is sent as text; any other JSON value as JSON. Output is built once. */
function compileConstant(value: JsonValue, jsonText: string | undefined): CompiledTransform {
  if (typeof value === 'string' && jsonText === undefined) {
    const output: TransformOutput = Object.freeze({ format: 'text', contentType: CONTENT_TYPE.text, body: value });
    return { kind: 'constant', format: 'text', contentType: CONTENT_TYPE.text, run: () => output };
  }
  const json = deepFreeze(structuredClone(value));
  const output: TransformOutput = Object.freeze({ format: 'json', contentType: CONTENT_TYPE.json, body: jsonText ?? JSON.stringify(json), json });
  return { kind: 'constant', format: 'json', contentType: CONTENT_TYPE.json, run: () => output };
}

type Resolve = (event: JsonObject, ctx: TransformContext) => JsonValue | undefined;

function compileTemplatePlan(plan: Extract<TransformPlan, { kind: 'template' }>, maxBytes: number, out: Violation[]): CompiledTransform | undefined {
  const before = out.length;
  const declared = new Map<string, CompiledPath>();
  for (const v of plan.variables) {
    if (!VARIABLE_NAME.test(v.name) || isReservedName(v.name)) {
      const why = isReservedName(v.name) ? 'is reserved for predefined variables' : 'must match [A-Za-z0-9_-]+';
      out.push({ path: v.at, reason: `variable name "${v.name}" ${why}`, code: 'SWY_TRANSFORM_VARIABLE_NAME' });
      continue;
    }
    const path = pathOrViolation(v.path.value, v.path.at, out);
    if (path !== undefined) declared.set(v.name, path);
  }
  const isKnown = (name: string): boolean => isPredefined(name) || plan.variables.some((v) => v.name === name);
  const compiled = compileTemplate(plan.template.value, plan.syntax, plan.format, isKnown);
  if (!compiled.ok) for (const p of compiled.problems) out.push({ path: plan.template.at, reason: p.reason, code: p.code });
  if (out.length > before || !compiled.ok) return undefined;

  const template = compiled.template;
  if (template.literalBytes > maxBytes) {
    out.push({ path: plan.template.at, reason: `the template's literal text alone is ${template.literalBytes} bytes: ${overCap(maxBytes)}`, code: TOO_LARGE });
    return undefined;
  }
  const resolvers: Resolve[] = template.variables.map((name) => {
    const path = declared.get(name);
    if (path !== undefined) return (event) => path.select(event);
    return predefinedResolver(name) as Resolve;
  });
  const n = resolvers.length;
  const format = template.format;
  const contentType = CONTENT_TYPE[format];
  return {
    kind: 'template',
    format,
    contentType,
    run: (event, ctx) => {
      const values = new Array<JsonValue | undefined>(n);
      for (let i = 0; i < n; i++) values[i] = (resolvers[i] as Resolve)(event, ctx);
      const body = template.render(values, maxBytes);
      if (body === undefined) {
        throw new SwitchyardError(TOO_LARGE, `Transformer output too large: ${overCap(maxBytes)}`, {
          violations: [{ path: plan.template.at, reason: `for this event ${overCap(maxBytes)}`, code: TOO_LARGE }],
        });
      }
      return format === 'json' ? { format, contentType: CONTENT_TYPE.json, body } : { format, contentType: CONTENT_TYPE.text, body };
    },
  };
}
