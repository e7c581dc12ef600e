import type { CodeOptions } from 'ajv';
import { RE2JS } from 're2js';

/** ajv's engine contract (not exported by name from ajv's entry). */
type RegExpEngine = NonNullable<CodeOptions['regExp']>;
interface RegExpLike { test(s: string): boolean; toString(): string }

/**
 * The regular-expression engine of registered schemas (ajv's `code.regExp`): `pattern`,
 * `patternProperties` and `propertyNames` patterns run on RE2JS, a linear-time engine (a port of
 * RE2), never on JavaScript's backtracking one. A producer's event is untrusted input: with
 * `"pattern": "^(a+)+$"` and validation `enforce`, 27 characters took V8 1.8 s and each more
 * doubled it; here every test is linear in the string's length.
 *
 * Patterns are written in ECMA-262 syntax as JSON Schema says, translated by RE2JS. What RE2
 * cannot run in linear time (backreferences `\1`, lookahead `(?=`, `(?!`, lookbehind) or at all
 * (repeat counts over 1000, long property names like `\p{Letter}`) throws
 * {@link UnsupportedPatternError} when the schema compiles, so such a schema is refused at
 * registration. `\s` is ASCII white space in RE2 (`[\t\n\f\r ]`), not Unicode's.
 */
export const linearRegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string): RegExpLike => {
    let re: RE2JS;
    try {
      re = RE2JS.compile(RE2JS.translateRegExp(pattern));
    } catch (cause) {
      throw new UnsupportedPatternError(pattern, (cause as Error).message);
    }
    // ajv shares compiled patterns between schemas under this key: it must name the pattern.
    const key = `/${pattern}/${flags}`;
    return { test: (s: string) => re.test(s), toString: () => key };
  },
  { code: 'linearRegExp' },
);

/** A pattern the linear engine cannot run; `reason` is RE2's parse error. */
export class UnsupportedPatternError extends Error {
  constructor(readonly pattern: string, readonly reason: string) {
    super(`pattern ${JSON.stringify(pattern)} cannot run on the linear-time engine (RE2: no backreferences or lookarounds; write \\p{L}, not \\p{Letter}): ${reason}`);
    this.name = 'UnsupportedPatternError';
  }
}
