import type { JsonValue } from '../../core/index.js';

/**
 * How one placeholder turns a value into output text. `undefined` means the path did not exist.
 *
 * | value          | JSON, whole value | JSON, inside a string   | text              |
 * |----------------|-------------------|-------------------------|-------------------|
 * | missing        | null              | (nothing)               | (nothing)         |
 * | string s       | "s" (escaped)     | s, escaped              | s                 |
 * | number/boolean | its JSON          | its JSON                | its JSON          |
 * | null           | null              | null                    | null              |
 * | object/array   | its JSON          | its JSON, escaped       | its JSON          |
 */
export type Renderer = (v: JsonValue | undefined) => string;

// Characters JSON.stringify would escape (plus surrogates, which it escapes when lone).
// eslint-disable-next-line no-control-regex -- JSON strings must escape U+0000..U+001F.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** String content as it must appear between JSON quotes. */
export function escapeJsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s).slice(1, -1) : s;
}

export const renderJsonValue: Renderer = (v) => (v === undefined ? 'null' : JSON.stringify(v));

export const renderInJsonString: Renderer = (v) => {
  if (v === undefined) return '';
  if (typeof v === 'string') return escapeJsonString(v);
  if (typeof v === 'object' && v !== null) return escapeJsonString(JSON.stringify(v));
  return String(v);
};

export const renderText: Renderer = (v) => {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
};
