import type { JsonValue } from '../../core/index.js';
import type { PlaceholderSyntax, TemplateFormat } from '../spec.js';
import { exceedsBytes } from '../limits.js';
import { analyzeJsonTemplate } from './json-context.js';
import { renderInJsonString, renderJsonValue, renderText, type Renderer } from './render.js';
import { splitTemplate } from './split.js';

/**
 * A template compiled to literal chunks and slots. Invariants: `literals.length ===
 * slotVariable.length + 1`; `slotVariable[i]` indexes `variables`; each slot's renderer was
 * chosen at compile time from its place (JSON value, inside a JSON string, or text).
 */
export interface CompiledTemplate {
  readonly format: 'json' | 'text';
  /** Distinct variable names the template uses, in first-use order. */
  readonly variables: readonly string[];
  /** UTF-8 bytes of the literal text: every rendering is at least this long. */
  readonly literalBytes: number;
  /** Renders with `values[i]` the value of `variables[i]` (`undefined` = path missing). */
  render(values: ReadonlyArray<JsonValue | undefined>): string;
  /**
   * Renders as {@link render} does, but stops and returns undefined as soon as the output passes
   * `maxBytes` UTF-8 bytes: an output over the cap is never built in full.
   */
  render(values: ReadonlyArray<JsonValue | undefined>, maxBytes: number): string | undefined;
}

export type TemplateProblem = { readonly code: 'SWY_TRANSFORM_UNKNOWN_VARIABLE' | 'SWY_TRANSFORM_TEMPLATE_NOT_JSON'; readonly reason: string };

export type TemplateCompile = { readonly ok: true; readonly template: CompiledTemplate } | { readonly ok: false; readonly problems: readonly TemplateProblem[] };

/** `auto` picks JSON when the template, trimmed, starts with `{` or `[`. */
function resolveFormat(text: string, format: TemplateFormat): 'json' | 'text' {
  if (format !== 'auto') return format;
  const first = text.trimStart()[0];
  return first === '{' || first === '[' ? 'json' : 'text';
}

/**
 * Compiles a template. `isKnown` says whether a placeholder name is a declared or predefined
 * variable; every unknown name is reported (one problem each), as is a JSON template that
 * cannot produce valid JSON.
 */
export function compileTemplate(text: string, syntax: PlaceholderSyntax, format: TemplateFormat, isKnown: (name: string) => boolean): TemplateCompile {
  const pieces = splitTemplate(text, syntax);
  const { literals, slots } = pieces;
  const problems: TemplateProblem[] = [];
  const reported = new Set<string>();
  for (const s of slots) {
    if (!isKnown(s.name) && !reported.has(s.name)) {
      reported.add(s.name);
      problems.push({ code: 'SWY_TRANSFORM_UNKNOWN_VARIABLE', reason: `unknown variable "${s.name}" at offset ${s.start}` });
    }
  }
  const kind = resolveFormat(text, format);
  let renderers: Renderer[];
  if (kind === 'json') {
    const analysis = analyzeJsonTemplate(text, pieces);
    if (!analysis.ok) {
      const hint = format === 'auto' ? ' (set "format": "text" to send it as text)' : '';
      problems.push({ code: 'SWY_TRANSFORM_TEMPLATE_NOT_JSON', reason: `JSON template: ${analysis.reason}${hint}` });
      return { ok: false, problems };
    }
    renderers = analysis.places.map((p) => (p === 'value' ? renderJsonValue : renderInJsonString));
  } else {
    renderers = slots.map(() => renderText);
  }
  if (problems.length > 0) return { ok: false, problems };

  const variables: string[] = [];
  const slotVariable = slots.map((s) => {
    const at = variables.indexOf(s.name);
    return at >= 0 ? at : variables.push(s.name) - 1;
  });
  const literalBytes = literals.reduce((sum, l) => sum + Buffer.byteLength(l, 'utf8'), 0);
  return { ok: true, template: { format: kind, variables, literalBytes, render: makeRender(literals, slotVariable, renderers) } };
}

function makeRender(literals: readonly string[], slotVariable: readonly number[], renderers: readonly Renderer[]): CompiledTemplate['render'] {
  const n = slotVariable.length;
  const head = literals[0] as string;
  // Copies into plain arrays so the hot loop reads monomorphic, densely packed data.
  const lits = literals.slice(1);
  const vars = slotVariable.slice();
  const fns = renderers.slice();
  function render(values: ReadonlyArray<JsonValue | undefined>): string;
  function render(values: ReadonlyArray<JsonValue | undefined>, maxBytes: number): string | undefined;
  function render(values: ReadonlyArray<JsonValue | undefined>, maxBytes = Infinity): string | undefined {
    let out = head;
    for (let i = 0; i < n; i++) {
      out += (fns[i] as Renderer)(values[vars[i] as number]) + (lits[i] as string);
      // UTF-16 length is a lower bound of UTF-8 bytes: once past the cap, stop at once.
      if (out.length > maxBytes) return undefined;
    }
    return maxBytes !== Infinity && exceedsBytes(out, maxBytes) ? undefined : out;
  }
  return render;
}
