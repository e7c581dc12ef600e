import { scanJson } from '../events/index.js';

/**
 * Helpers that work on JSON *text* rather than parsed values, so what the CLI prints is what the
 * server stored: a number literal such as 9007199254740993 in an event's data survives, where a
 * JSON.parse / JSON.stringify round trip would round it.
 */

/**
 * Re-indents valid JSON text without parsing it into values. Precondition: `text` is valid JSON
 * (callers got it from the server); whitespace inside strings is kept, all other whitespace is
 * replaced by the canonical layout of `JSON.stringify(v, null, indent)`.
 */
export function prettyJson(text: string, indent = 2): string {
  let out = '';
  let depth = 0;
  const newline = (): string => '\n' + ' '.repeat(depth * indent);
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      // Copy the whole string, escapes included, in one slice.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      let j = i + 1;
      while (j < text.length && isSpace(text[j]!)) j++;
      if (text[j] === close) {
        out += c + close;
        i = j;
      } else {
        depth++;
        out += c + newline();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += newline() + c;
    } else if (c === ',') {
      out += ',' + newline();
    } else if (c === ':') {
      out += ': ';
    } else if (!isSpace(c)) {
      out += c;
    }
  }
  return out;
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\r' || c === '\t';
}

/** The exact text of member `key` of a JSON object text, or undefined (not an object, no such member). */
export function memberText(objectText: string, key: string): string | undefined {
  const scan = scanJson(objectText, { maxDepth: Number.MAX_SAFE_INTEGER, recordDepth: 2 });
  if (!scan.ok || scan.root?.kind !== 'object') return undefined;
  const m = scan.root.members?.find((x) => x.key === key);
  return m === undefined ? undefined : objectText.slice(m.value.start, m.value.end);
}

/** The exact texts of the elements of a JSON array text ([] when it is not an array). */
export function elementTexts(arrayText: string): string[] {
  const scan = scanJson(arrayText, { maxDepth: Number.MAX_SAFE_INTEGER, recordDepth: 2 });
  if (!scan.ok || scan.root?.kind !== 'array') return [];
  return (scan.root.elements ?? []).map((e) => arrayText.slice(e.start, e.end));
}
