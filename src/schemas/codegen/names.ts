/** A PascalCase identifier from a schema or property name ("com.shop.order.created" → ComShopOrderCreated). */
export function typeName(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
  const id = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return id === '' || /^[A-Za-z_]/.test(id) ? id : `T${id}`;
}

/** camelCase of a property name ("created-at" → createdAt); '' when it has no letter or digit. */
export function camelName(name: string): string {
  const p = typeName(name);
  return p === '' ? '' : p[0]!.toLowerCase() + p.slice(1);
}

/** snake_case of a property name ("createdAt", "created-at" → created_at); '' when it has no letter or digit. */
export function snakeName(name: string): string {
  const s = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .join('_')
    .toLowerCase();
  return s === '' || /^[a-z_]/.test(s) ? s : `f_${s}`;
}

/**
 * Distinct identifiers within one scope: `fallback` when the candidate is empty, a trailing `_`
 * for a reserved word, a number for a repeat.
 */
export class NameScope {
  readonly #taken = new Set<string>();
  readonly #reserved: ReadonlySet<string>;

  constructor(reserved: ReadonlySet<string>) {
    this.#reserved = reserved;
  }

  claim(candidate: string, fallback: string): string {
    let base = candidate === '' ? fallback : candidate;
    if (this.#reserved.has(base)) base = `${base}_`;
    let id = base;
    for (let n = 2; this.#taken.has(id); n++) id = `${base}${n}`;
    this.#taken.add(id);
    return id;
  }
}

/**
 * Text for a one-line comment in generated code: line and paragraph breaks become spaces (any of
 * them would end a line comment early in one language or another), and the length is bounded.
 */
export function commentText(text: string, max = 500): string {
  // eslint-disable-next-line no-control-regex -- vertical tab and form feed end a line for some compilers
  const one = text.replace(/[\r\n\u000b\u000c\u0085\u2028\u2029]+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}
