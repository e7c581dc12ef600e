import type { Violation } from '../../../core/index.js';
import type { OutboundMessage } from '../../target.js';
import { KeyTemplate } from '../key-template.js';
import { outboundJson } from '../brokers/ce-binding.js';

/** A rendered header or query value is at most this long. */
export const MAX_DYNAMIC_VALUE_BYTES = 4096;

const PLACEHOLDER = /\$\{[^}]*\}/g;

/** Where a URL's placeholders may be: after the authority, before any `?` or `#`. */
function pathPart(url: string): { before: string; path: string; after: string } | undefined {
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#$]*)(\/[^?#]*)?(.*)$/i.exec(url);
  if (m === null) return undefined;
  return { before: m[1]!, path: m[2] ?? '', after: m[3] ?? '' };
}

/** Whether an http target has templated parts (then it is built with a DynamicRequest). */
export function isDynamic(t: Readonly<Record<string, unknown>>): boolean {
  if (typeof t.url === 'string' && KeyTemplate.isTemplated(t.url)) return true;
  if (t.query !== undefined) return true;
  const h = t.headers;
  return typeof h === 'object' && h !== null && Object.values(h).some((v) => typeof v === 'string' && KeyTemplate.isTemplated(v));
}

/** The URL with every placeholder replaced, for the static checks of http-spec (scheme, credentials). */
export function urlForChecks(url: string): string {
  return url.replace(PLACEHOLDER, 'x');
}

/**
 * Checks the templated parts of an http target: placeholders in `url` only in its path,
 * `query` (name → template), header values; each template against `variables`.
 */
export function checkDynamicParts(t: Readonly<Record<string, unknown>>, path: string, out: Violation[]): void {
  const vars = t.variables;
  if (typeof t.url === 'string' && KeyTemplate.isTemplated(t.url)) {
    const p = pathPart(t.url);
    if (p === undefined || KeyTemplate.isTemplated(p.before) || KeyTemplate.isTemplated(p.after)) {
      out.push({ path: `${path}/url`, reason: 'placeholders may appear only in the path (not in the scheme, host, port, query or fragment; use "query" for query parameters)' });
    } else {
      for (const m of p.path.match(PLACEHOLDER) ?? []) KeyTemplate.checkText(m, vars, `${path}/url`, path, out);
    }
  }
  const q = t.query;
  if (q !== undefined) {
    if (typeof q !== 'object' || q === null || Array.isArray(q) || Object.keys(q).length > 64) out.push({ path: `${path}/query`, reason: 'must be an object of at most 64 parameter name → value template' });
    else {
      for (const [name, v] of Object.entries(q)) {
        const at = `${path}/query/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (name === '' || name.length > 256) out.push({ path: at, reason: 'a parameter name is 1 to 256 characters' });
        if (typeof v !== 'string' || Buffer.byteLength(v) > MAX_DYNAMIC_VALUE_BYTES) out.push({ path: at, reason: `must be a string of at most ${MAX_DYNAMIC_VALUE_BYTES} bytes` });
        else KeyTemplate.checkText(v, vars, at, path, out, MAX_DYNAMIC_VALUE_BYTES);
      }
    }
  }
  const h = t.headers;
  if (typeof h === 'object' && h !== null && !Array.isArray(h)) {
    for (const [name, v] of Object.entries(h)) {
      if (typeof v === 'string' && KeyTemplate.isTemplated(v)) KeyTemplate.checkText(v, vars, `${path}/headers/${name}`, path, out, MAX_DYNAMIC_VALUE_BYTES);
    }
  }
  if (vars !== undefined && !isDynamic(t)) out.push({ path: `${path}/variables`, reason: 'is used by templated url paths, query values and header values; this target has none' });
}

type Piece = { readonly type: 'literal'; readonly text: string } | { readonly type: 'slot'; readonly template: KeyTemplate };

/**
 * The per-message parts of an http request (EventBridge API destinations' HttpParameters):
 * path placeholders (each value percent-encoded as one path segment's text, so it can add no
 * `/`, `?` or `#`; `.` and `..` are refused), query parameters and header values. The scheme,
 * host and port are fixed, so the SSRF guard's check of the connection covers the final URL.
 */
export class DynamicRequest {
  readonly #base: string;
  readonly #path: readonly Piece[];
  readonly #after: string;
  readonly #query: ReadonlyArray<readonly [string, KeyTemplate]>;
  readonly #headers: ReadonlyArray<readonly [string, KeyTemplate]>;

  constructor(t: Readonly<Record<string, unknown>>) {
    const url = t.url as string;
    const vars = t.variables;
    const p = pathPart(url)!;
    this.#base = p.before;
    this.#after = p.after;
    const pieces: Piece[] = [];
    let last = 0;
    for (const m of p.path.matchAll(PLACEHOLDER)) {
      if (m.index > last) pieces.push({ type: 'literal', text: p.path.slice(last, m.index) });
      pieces.push({ type: 'slot', template: KeyTemplate.compile(m[0], vars) });
      last = m.index + m[0].length;
    }
    if (last < p.path.length) pieces.push({ type: 'literal', text: p.path.slice(last) });
    this.#path = pieces;
    this.#query = Object.entries((t.query as Record<string, string> | undefined) ?? {}).map(([k, v]) => [k, KeyTemplate.compile(v, vars, MAX_DYNAMIC_VALUE_BYTES)] as const);
    this.#headers = Object.entries((t.headers as Record<string, string> | undefined) ?? {})
      .filter(([, v]) => KeyTemplate.isTemplated(v))
      .map(([k, v]) => [k.toLowerCase(), KeyTemplate.compile(v, vars, MAX_DYNAMIC_VALUE_BYTES)] as const);
  }

  /** The URL and templated headers for `m` (a batch uses its first message), or why there are none. */
  render(m: OutboundMessage): { ok: true; url: string; headers: Record<string, string> } | { ok: false; reason: string } {
    const json = outboundJson(m.outbound);
    let path = '';
    for (const piece of this.#path) {
      if (piece.type === 'literal') {
        path += piece.text;
        continue;
      }
      const r = piece.template.render(json, m);
      if (!r.ok) return r;
      if (r.key === '.' || r.key === '..') return { ok: false, reason: `a path value may not be "${r.key}"` };
      path += encodeURIComponent(r.key);
    }
    const url = new URL(`${this.#base}${path}${this.#after}`);
    for (const [name, tpl] of this.#query) {
      const r = tpl.render(json, m, true);
      if (!r.ok) return { ok: false, reason: `query parameter ${name}: ${r.reason}` };
      url.searchParams.append(name, r.key);
    }
    const headers: Record<string, string> = {};
    for (const [name, tpl] of this.#headers) {
      const r = tpl.render(json, m, true);
      if (!r.ok) return { ok: false, reason: `header ${name}: ${r.reason}` };
      if (/[\r\n\0]/.test(r.key)) return { ok: false, reason: `header ${name}: the value may not contain CR, LF or NUL` };
      if (/[^\t\x20-\x7e\x80-\xff]/.test(r.key)) return { ok: false, reason: `header ${name}: the value has characters a header cannot carry (control characters, or beyond Latin-1)` };
      headers[name] = r.key;
    }
    return { ok: true, url: url.href, headers };
  }
}
