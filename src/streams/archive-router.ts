import { RuleMatcher } from '../rules/index.js';
import type { ArchiveRecord } from '../store/index.js';

/**
 * Decides at ingest which archives of a bus an event goes to (the put path names them on its
 * AppendItem). Per bus: the archives without a pattern (every event) and one compiled matcher
 * holding the patterns of the others. A bus without archives costs one map lookup.
 */
export class ArchiveRouter {
  readonly #byBus = new Map<string, { all: string[]; matcher: RuleMatcher | undefined; patterned: Set<string> }>();

  /** Checks a pattern without installing it; throws the rules engine's SwitchyardError. */
  static validate(pattern: unknown): void {
    new RuleMatcher().add('check', { pattern });
  }

  set(a: ArchiveRecord): void {
    this.remove(a.bus, a.name);
    let b = this.#byBus.get(a.bus);
    if (b === undefined) this.#byBus.set(a.bus, (b = { all: [], matcher: undefined, patterned: new Set() }));
    if (a.pattern === null || a.pattern === undefined) {
      b.all = [...b.all, a.name];
      return;
    }
    b.matcher ??= new RuleMatcher();
    b.matcher.add(a.name, { pattern: a.pattern });
    b.patterned.add(a.name);
  }

  remove(bus: string, name: string): void {
    const b = this.#byBus.get(bus);
    if (b === undefined) return;
    b.all = b.all.filter((n) => n !== name);
    if (b.patterned.delete(name)) b.matcher?.remove(name);
    if (b.all.length === 0 && b.patterned.size === 0) this.#byBus.delete(bus);
  }

  dropBus(bus: string): void {
    this.#byBus.delete(bus);
  }

  /** The archives of `bus` the event (its JSON-format text) goes to; undefined for none. */
  route(bus: string, text: string): readonly string[] | undefined {
    const b = this.#byBus.get(bus);
    if (b === undefined) return undefined;
    if (b.patterned.size === 0) return b.all;
    const hit = b.matcher!.matchText(text);
    if (hit.length === 0) return b.all.length === 0 ? undefined : b.all;
    return b.all.length === 0 ? hit : [...b.all, ...hit];
  }
}
