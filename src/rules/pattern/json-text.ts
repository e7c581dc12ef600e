/**
 * A small lossless JSON parser for pattern and event text: numbers that are not exact doubles
 * become RawNumber (number.ts), exact ones plain numbers; duplicate keys keep the last value
 * (as JSON.parse does); `__proto__` is an ordinary key. Errors carry the character offset.
 */
import { RawNumber } from './raw-number.js';
import { isNumberText, numberInfo } from './number.js';

/** A JSON value as produced by {@link parseJsonLossless}. */
export type LosslessJson = null | boolean | number | string | RawNumber | LosslessJson[] | { [key: string]: LosslessJson };

/** Thrown by {@link parseJsonLossless}; `offset` is the index in the text where parsing failed. */
export class JsonTextError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
  }
}

/** Parses `text` as one JSON value; whitespace may surround it, anything else is an error. */
export function parseJsonLossless(text: string): LosslessJson {
  const p = new Parser(text);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.i < text.length) throw new JsonTextError('unexpected content after the JSON value', p.i);
  return v;
}

const MAX_DEPTH = 512;

class Parser {
  i = 0;
  constructor(private readonly s: string) {}

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else break;
    }
  }

  value(depth: number): LosslessJson {
    if (depth > MAX_DEPTH) throw new JsonTextError('nesting too deep', this.i);
    const c = this.s.charCodeAt(this.i);
    if (c === 123 /* { */) return this.object(depth);
    if (c === 91 /* [ */) return this.array(depth);
    if (c === 34 /* " */) return this.string();
    if (this.s.startsWith('true', this.i)) return this.literal(4, true);
    if (this.s.startsWith('false', this.i)) return this.literal(5, false);
    if (this.s.startsWith('null', this.i)) return this.literal(4, null);
    return this.number();
  }

  private literal<T>(len: number, v: T): T {
    this.i += len;
    return v;
  }

  private object(depth: number): LosslessJson {
    const out: { [key: string]: LosslessJson } = {};
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 125) {
      this.i++;
      return out;
    }
    for (;;) {
      if (this.s.charCodeAt(this.i) !== 34) throw new JsonTextError('expected a string key', this.i);
      const key = this.string();
      this.ws();
      if (this.s.charCodeAt(this.i) !== 58) throw new JsonTextError("expected ':'", this.i);
      this.i++;
      this.ws();
      const v = this.value(depth + 1);
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      this.ws();
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c === 125) return out;
      if (c !== 44) throw new JsonTextError("expected ',' or '}'", this.i - 1);
      this.ws();
    }
  }

  private array(depth: number): LosslessJson {
    const out: LosslessJson[] = [];
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 93) {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c === 93) return out;
      if (c !== 44) throw new JsonTextError("expected ',' or ']'", this.i - 1);
      this.ws();
    }
  }

  string(): string {
    const s = this.s;
    const start = this.i + 1;
    let j = start;
    let escaped = false;
    for (;;) {
      if (j >= s.length) throw new JsonTextError('unterminated string', this.i);
      const c = s.charCodeAt(j);
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        j += 2;
        continue;
      }
      if (c < 32) throw new JsonTextError('control character in string', j);
      j++;
    }
    this.i = j + 1;
    const raw = s.slice(start, j);
    if (!escaped) return raw;
    try {
      return JSON.parse(s.slice(start - 1, j + 1)) as string;
    } catch {
      throw new JsonTextError('invalid escape in string', start);
    }
  }

  private number(): LosslessJson {
    const s = this.s;
    const start = this.i;
    let j = start;
    while (j < s.length) {
      const c = s.charCodeAt(j);
      if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69) j++;
      else break;
    }
    const text = s.slice(start, j);
    if (text.length === 0 || !isNumberText(text)) throw new JsonTextError('invalid JSON value', start);
    this.i = j;
    const info = numberInfo(text);
    return info.exact ? info.value : new RawNumber(text);
  }
}
