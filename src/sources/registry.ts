import type { SourceKind } from './types.js';

/**
 * The source kinds a server knows, by name. The server registers the built-in ones (webhook, and
 * the broker and schedule kinds as they are added); the API checks a source body's `kind` here
 * and the source manager starts pulling kinds through it.
 */
export class SourceKinds {
  readonly #kinds = new Map<string, SourceKind<unknown>>();

  constructor(kinds: readonly SourceKind<never>[] = []) {
    for (const k of kinds) this.register(k);
  }

  register<C>(kind: SourceKind<C>): this {
    if (this.#kinds.has(kind.name)) throw new Error(`source kind "${kind.name}" is registered twice`);
    this.#kinds.set(kind.name, kind as unknown as SourceKind<unknown>);
    return this;
  }

  get(name: string): SourceKind<unknown> | undefined {
    return this.#kinds.get(name);
  }

  names(): string[] {
    return [...this.#kinds.keys()].sort();
  }
}
