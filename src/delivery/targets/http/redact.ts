/** What a removed credential reads as in a kept response excerpt. */
export const REDACTED = '[redacted]';

/** A secret shorter than this is not searched for by value (it would blank out ordinary text); the patterns still apply. */
const MIN_SECRET_LENGTH = 4;

/**
 * Names whose value is a credential wherever it appears: a header line (`Authorization: …`), a
 * JSON member (`"cookie":"…"`), a form or query field (`access_token=…`).
 */
const NAMES = '(?:proxy-)?authorization|set-cookie|cookie|x-api-key|api[-_]?key|x-auth-token|access[-_]token|refresh[-_]token|id[-_]token|client[-_]secret|password';
/** The name (after a non-name character), a separator, then the value: a quoted string or the rest of the line (or of a `&` field). */
const FIELD = new RegExp(`((?:^|[^A-Za-z0-9_-])(?:${NAMES})["']?\\s*[:=]\\s*)("(?:[^"\\\\\\r\\n]|\\\\.)*"?|'[^'\\r\\n]*'?|[^\\r\\n&]*)`, 'gi');
/** RFC 6750 bearer credentials (token68), at least 8 characters so prose ("Bearer token required") mostly survives. */
const BEARER = /\b(bearer\s+)[A-Za-z0-9\-._~+/]{8,}=*/gi;
/** A JSON Web Token (three base64url parts, the first two JSON objects). */
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

function quotedRedaction(value: string): string {
  const q = value[0];
  if (q === '"' || q === '\'') return `${q}${REDACTED}${value.length > 1 && value.endsWith(q) ? q : ''}`;
  return value === '' ? value : REDACTED;
}

/**
 * The forms a secret may take in an echo: as sent, percent-encoded (a query parameter), form
 * encoded, and for an `Authorization` value the credentials after the scheme.
 */
function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    const afterScheme = /^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*\s+(\S.*)$/.exec(s)?.[1];
    for (const f of [s, encodeURIComponent(s), encodeURIComponent(s).replace(/%20/g, '+'), afterScheme]) {
      if (f !== undefined && f.length >= MIN_SECRET_LENGTH) forms.add(f);
    }
  }
  // Longest first: a form that contains another is removed whole.
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * Removes credentials from a response excerpt before it is kept with an attempt (trace, dead
 * letter, API): a receiver that echoes the request — headers in its 500 body, say — must not
 * turn the excerpt into a copy of the credentials the connection added.
 *
 * `secrets` are the values this request carried (the connection's header or query value, the
 * target's sensitive headers): removed wherever they occur, including a prefix of one cut off at
 * the end of the excerpt. Independently of them, the values of credential-named fields
 * (`Authorization`, `Cookie`, `Set-Cookie`, API keys, tokens, passwords), bearer tokens and JWTs
 * are replaced.
 *
 * @example
 * redactExcerpt('{"headers":{"authorization":"Bearer s3cr3t-t0ken"}}', ['Bearer s3cr3t-t0ken'])
 * // → '{"headers":{"authorization":"[redacted]"}}'
 */
export function redactExcerpt(text: string, secrets: readonly string[] = []): string {
  if (text === '') return text;
  let out = text;
  const forms = secretForms(secrets);
  for (const f of forms) if (out.includes(f)) out = out.split(f).join(REDACTED);
  // A secret cut by the excerpt's byte limit: its beginning ends the text.
  for (const f of forms) {
    for (let n = Math.min(f.length - 1, out.length); n >= MIN_SECRET_LENGTH; n--) {
      if (out.endsWith(f.slice(0, n))) {
        out = out.slice(0, out.length - n) + REDACTED;
        break;
      }
    }
  }
  return out
    .replace(FIELD, (_m, head: string, value: string) => head + quotedRedaction(value))
    .replace(BEARER, `$1${REDACTED}`)
    .replace(JWT, REDACTED);
}

/** Header names whose configured values are treated as secrets (besides a connection's). */
export function isSensitiveHeader(name: string): boolean {
  return /authorization|cookie|token|secret|password|api[-_]?key|^x-.*key$/i.test(name);
}
