/**
 * Finds where a text stops being valid JSON (RFC 8259), for error messages only: JSON.parse
 * stays the authority on validity, this scanner just names the offset and what was expected
 * (V8's own messages quote the probe text instead, which the user never wrote).
 */
export interface JsonSyntaxError {
  readonly offset: number;
  readonly expected: string;
}

const WS = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

class Failure {
  constructor(readonly offset: number, readonly expected: string) {}
}

/** Returns the first syntax error, or undefined when the text is valid JSON. */
export function locateJsonError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && WS.has(text[i] as string)) i++;
  };
  const expect = (c: string, what: string): void => {
    if (text[i] !== c) throw new Failure(i, what);
    i++;
  };
  const string = (): void => {
    expect('"', 'a string');
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Failure(i, 'a closing quote');
      if (c === '"') {
        i++;
        return;
      }
      if (c < ' ') throw new Failure(i, 'an escaped control character (\\n, \\t, \\u00XX)');
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          HEX4.lastIndex = i + 2;
          if (!HEX4.test(text)) throw new Failure(i, 'four hex digits after \\u');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          throw new Failure(i, 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
        }
        continue;
      }
      i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        string();
        ws();
        expect(':', '":" after an object key');
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect('}', '"," or "}" in an object');
        return;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect(']', '"," or "]" in an array');
        return;
      }
    }
    if (c === '"') return string();
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m === null) throw new Failure(i, 'a JSON value');
    i += m[0].length;
  };
  try {
    value();
    ws();
    if (i < text.length) throw new Failure(i, 'the end of the document');
    return undefined;
  } catch (e) {
    if (e instanceof Failure) return { offset: e.offset, expected: e.expected };
    throw e;
  }
}
