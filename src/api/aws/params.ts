/**
 * Reading an operation's input the way AWS validates it: each bad member is named in a
 * ValidationException ("Value at 'Name' failed to satisfy constraint: …"), all at once.
 */
import { AwsError, validationError } from './protocol.js';

export type Input = Readonly<Record<string, unknown>>;

/** Collects violations while fields are read; `done` throws them as one ValidationException. */
export class Params {
  readonly #violations: string[] = [];
  constructor(readonly input: Input) {}

  string(name: string, opts: { required?: boolean; max?: number; pattern?: RegExp } = {}): string | undefined {
    const v = this.input[name];
    if (v === undefined || v === null) {
      if (opts.required === true) this.#violations.push(`Value null at '${name}' failed to satisfy constraint: Member must not be null`);
      return undefined;
    }
    if (typeof v !== 'string') return this.#bad(name, 'Member must be a string');
    if (v.length > (opts.max ?? 2048)) return this.#bad(name, `Member must have length less than or equal to ${opts.max ?? 2048}`);
    if (opts.pattern !== undefined && !opts.pattern.test(v)) return this.#bad(name, `Member must satisfy regular expression pattern: ${opts.pattern.source}`);
    return v;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const v = this.input[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return this.#bad(name, `Member must be an integer from ${min} to ${max}`);
    return v;
  }

  boolean(name: string): boolean | undefined {
    const v = this.input[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') return this.#bad(name, 'Member must be a boolean');
    return v;
  }

  array(name: string, opts: { required?: boolean; max: number; min?: number }): unknown[] | undefined {
    const v = this.input[name];
    if (v === undefined || v === null) {
      if (opts.required === true) this.#violations.push(`Value null at '${name}' failed to satisfy constraint: Member must not be null`);
      return undefined;
    }
    if (!Array.isArray(v)) return this.#bad(name, 'Member must be a list');
    if (v.length > opts.max) return this.#bad(name, `Member must have length less than or equal to ${opts.max}`);
    if (v.length < (opts.min ?? 0)) return this.#bad(name, `Member must have length greater than or equal to ${opts.min ?? 0}`);
    return v;
  }

  /** Members Switchyard does not implement: refused by name, never silently ignored. */
  unsupported(...names: string[]): void {
    for (const n of names) {
      if (this.input[n] !== undefined && this.input[n] !== null) this.#violations.push(`'${n}' is not supported by Switchyard (docs/aws-compatibility.md)`);
    }
  }

  done(): void {
    if (this.#violations.length > 0) throw validationError(this.#violations);
  }

  #bad(name: string, reason: string): undefined {
    this.#violations.push(`Value at '${name}' failed to satisfy constraint: ${reason}`);
    return undefined;
  }
}

/** The input object of a call; AWS answers a body that is not a JSON object with SerializationException. */
export function inputObject(body: unknown): Input {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AwsError('SerializationException', 'the request body must be a JSON object');
  return body as Input;
}

/** Opaque paging tokens: the last name returned, base64url. */
export const encodeToken = (last: string): string => Buffer.from(last, 'utf8').toString('base64url');

export function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  if (!/^[A-Za-z0-9_-]{1,2048}$/.test(token)) throw validationError(['Value at \'NextToken\' failed to satisfy constraint: not a token this server issued']);
  return Buffer.from(token, 'base64url').toString('utf8');
}

/** One page of `items` (sorted by name) after the token's name. */
export function page<T>(items: readonly T[], nameOf: (t: T) => string, token: string | undefined, limit: number | undefined): { items: T[]; next: string | undefined } {
  const after = decodeToken(token);
  const rest = after === undefined ? [...items] : items.filter((i) => nameOf(i) > after);
  const n = limit ?? 100;
  const out = rest.slice(0, n);
  return { items: out, next: rest.length > n ? encodeToken(nameOf(out[out.length - 1]!)) : undefined };
}
