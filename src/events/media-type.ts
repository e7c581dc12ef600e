/**
 * Media types (RFC 2046 syntax as written in RFC 9110 §8.3.1):
 * `type "/" subtype *( OWS ";" OWS name "=" ( token / quoted-string ) )`.
 */
export interface MediaType {
  /** `type/subtype`, lower-cased. */
  readonly essence: string;
  readonly type: string;
  readonly subtype: string;
  /** Parameter names lower-cased; values unquoted (case kept). */
  readonly params: ReadonlyMap<string, string>;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const HEAD = new RegExp(`^(${TOKEN})/(${TOKEN})[ \\t]*`);
const PARAM = new RegExp(`^;[ \\t]*(${TOKEN})=(?:(${TOKEN})|"((?:[^"\\\\\\x00-\\x08\\x0A-\\x1F\\x7F]|\\\\[\\t\\x20-\\x7E\\x80-\\xFF])*)")[ \\t]*`);

/**
 * The last text parsed and its result: most events of a batch, and most puts, carry the same
 * content type, which each event parses twice (its check, then its data's kind). A result is
 * never changed by its users (the type is read-only), so it can be handed out again.
 */
let lastText: string | undefined;
let lastResult: MediaType | undefined;

/** Parses a media type; `undefined` when it is not one. */
export function parseMediaType(text: string): MediaType | undefined {
  if (text === lastText) return lastResult;
  const result = parseMediaTypeUncached(text);
  if (text.length <= 256) {
    lastText = text;
    lastResult = result;
  }
  return result;
}

function parseMediaTypeUncached(text: string): MediaType | undefined {
  const s = text.trim();
  const head = HEAD.exec(s);
  if (head === null) return undefined;
  const params = new Map<string, string>();
  let rest = s.slice(head[0].length);
  while (rest.length > 0) {
    // Tolerate empty parameters (`text/plain;`), common in the wild and harmless.
    const empty = /^;[ \t]*(?=;|$)/.exec(rest);
    if (empty !== null) {
      rest = rest.slice(empty[0].length);
      continue;
    }
    const p = PARAM.exec(rest);
    if (p === null) return undefined;
    const name = (p[1] ?? '').toLowerCase();
    const value = p[2] ?? (p[3] ?? '').replace(/\\(.)/g, '$1');
    params.set(name, value);
    rest = rest.slice(p[0].length);
  }
  const type = (head[1] ?? '').toLowerCase();
  const subtype = (head[2] ?? '').toLowerCase();
  return { essence: `${type}/${subtype}`, type, subtype, params };
}

/** JSON format §3.1.1: a media type declares JSON when its subtype is `json` or ends in `+json`. */
export function isJsonMediaType(mt: MediaType): boolean {
  return mt.subtype === 'json' || mt.subtype.endsWith('+json');
}

const TEXT_ESSENCES = new Set([
  'application/xml',
  'application/javascript',
  'application/ecmascript',
  'application/x-www-form-urlencoded',
  'application/yaml',
  'application/x-yaml',
  'application/toml',
  'application/graphql',
  'application/sql',
]);

/** Media types whose content is text (kept as a string when the bytes are valid UTF-8). */
export function isTextMediaType(mt: MediaType): boolean {
  return mt.type === 'text' || mt.subtype.endsWith('+xml') || mt.subtype.endsWith('+yaml') || TEXT_ESSENCES.has(mt.essence);
}

/** True when the charset parameter is absent or names UTF-8 (or its subset US-ASCII). */
export function isUtf8Charset(mt: MediaType): boolean {
  const cs = mt.params.get('charset');
  if (cs === undefined) return true;
  const c = cs.toLowerCase();
  return c === 'utf-8' || c === 'utf8' || c === 'us-ascii';
}
