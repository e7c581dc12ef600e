import type { JsonValue } from '../../core/index.js';
import { parsePath, type PathStep } from './parse.js';

/**
 * A compiled JSONPath. `select` returns the value at the path, or `undefined` when the path
 * does not exist. Invariant: a path with a wildcard always returns an array (possibly empty)
 * holding every match in document order; a path without one returns a single value.
 */
export interface CompiledPath {
  readonly text: string;
  readonly steps: readonly PathStep[];
  readonly multi: boolean;
  select(root: JsonValue): JsonValue | undefined;
}

export type PathCompile = { readonly ok: true; readonly path: CompiledPath } | { readonly ok: false; readonly reason: string };

/** Compiles a JSONPath of the supported subset; never throws and never evaluates script. */
export function compilePath(text: string): PathCompile {
  const parsed = parsePath(text);
  if (!parsed.ok) return parsed;
  const steps = parsed.steps;
  const multi = steps.some((s) => s.type === 'wildcard');
  const select = multi ? (root: JsonValue) => selectAll(root, steps) : selectorForSingle(steps);
  return { ok: true, path: { text, steps, multi, select } };
}

/** Own properties only: `constructor`, `__proto__` etc. must never reach the prototype. */
function member(v: JsonValue | undefined, name: string): JsonValue | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  return Object.hasOwn(v, name) ? v[name] : undefined;
}

function element(v: JsonValue | undefined, index: number): JsonValue | undefined {
  if (!Array.isArray(v)) return undefined;
  return v[index < 0 ? v.length + index : index];
}

function step(v: JsonValue | undefined, s: PathStep): JsonValue | undefined {
  return s.type === 'member' ? member(v, s.name) : s.type === 'index' ? element(v, s.index) : undefined;
}

/** Single-value paths: the common case, a tight loop with a special case for member chains. */
function selectorForSingle(steps: readonly PathStep[]): (root: JsonValue) => JsonValue | undefined {
  if (steps.length === 0) return (root) => root;
  if (steps.every((s) => s.type === 'member')) {
    const names = steps.map((s) => (s as { name: string }).name);
    return (root) => {
      let v: JsonValue | undefined = root;
      for (let i = 0; i < names.length && v !== undefined; i++) v = member(v, names[i] as string);
      return v;
    };
  }
  return (root) => {
    let v: JsonValue | undefined = root;
    for (let i = 0; i < steps.length && v !== undefined; i++) v = step(v, steps[i] as PathStep);
    return v;
  };
}

function selectAll(root: JsonValue, steps: readonly PathStep[]): JsonValue[] {
  const out: JsonValue[] = [];
  const walk = (v: JsonValue, at: number): void => {
    if (at === steps.length) {
      out.push(v);
      return;
    }
    const s = steps[at] as PathStep;
    if (s.type === 'wildcard') {
      if (Array.isArray(v)) for (const e of v) walk(e, at + 1);
      else if (typeof v === 'object' && v !== null) for (const k of Object.keys(v)) walk(v[k] as JsonValue, at + 1);
      return;
    }
    const next = step(v, s);
    if (next !== undefined) walk(next, at + 1);
  };
  walk(root, 0);
  return out;
}
