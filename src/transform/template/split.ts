/**
 * Splits a template into literal text and placeholders.
 *
 * Invariant of the result: `literals.length === slots.length + 1`, and the template equals
 * literals[0] + slot[0] + literals[1] + … with each slot spanning template[start, end).
 */
export interface TemplatePieces {
  readonly literals: readonly string[];
  readonly slots: ReadonlyArray<{ readonly name: string; readonly start: number; readonly end: number }>;
}

/**
 * Placeholder names are user names plus the dotted predefined ones. Only this exact shape is
 * a placeholder, so any other `${` or `<` (shell snippets, `a < b`, Slack `<url|text>`) is
 * plain text and no escape syntax is needed; `$${price}` is a literal `$` then a placeholder.
 */
const DOLLAR = /\$\{ *([A-Za-z0-9_.-]+) *\}/g;
const ANGLE = /<([A-Za-z0-9_.-]+)>/g;

/** Splits on `${name}` (Switchyard / RocketMQ EventBridge) or `<name>` (AWS) placeholders. */
export function splitTemplate(text: string, syntax: 'dollar' | 'angle'): TemplatePieces {
  const literals: string[] = [];
  const slots: Array<{ name: string; start: number; end: number }> = [];
  let last = 0;
  for (const m of text.matchAll(syntax === 'dollar' ? DOLLAR : ANGLE)) {
    const start = m.index;
    literals.push(text.slice(last, start));
    slots.push({ name: m[1] as string, start, end: start + m[0].length });
    last = start + m[0].length;
  }
  literals.push(text.slice(last));
  return { literals, slots };
}
