/**
 * One compiled matcher per bus: every rule's filter in one structure, matched per event.
 *
 * Concurrency contract. Readers always match against an immutable Snapshot; `add`, `remove`
 * and `addAll` build a new snapshot and swap it in with one assignment, so a match never sees
 * a half-applied change and never waits for one (a caller may also hold `snapshot()` across
 * async steps and keep matching the rule set of that moment). Writers are cheap: a snapshot is
 * a large `base` automaton plus a small `recent` one and a set of removed rules; an add
 * rebuilds only `recent`, a remove only extends the removed set, and once either outgrows
 * about the square root of the rule count everything is rebuilt into `base` (amortised
 * O(sqrt n) per change). `addAll` loads many rules with a single rebuild.
 */
import { SwitchyardError } from '../core/index.js';
import { Automaton } from './automaton/automaton.js';
import type { RuleRef } from './automaton/name-state.js';
import { flattenEvent, type EventLeaves } from './event/flatten.js';
import { buildPathTrie, type PathTrieNode } from './event/path-trie.js';
import { scanEventText } from './event/scan.js';
import { compileFilter, type CompiledFilter, type FilterOptions } from './filter.js';
import type { CompiledPattern } from './pattern/types.js';

interface Entry {
  readonly ref: RuleRef;
  readonly filter: CompiledFilter;
}

type Predicate = Extract<CompiledFilter, { type: 'predicate' }>;

let stampCounter = 0;

/** An immutable view of a rule set, matchable as parsed JSON or raw JSON text. */
export class Snapshot {
  /** The paths either automaton reads: events are flattened once for both. */
  private readonly trie: PathTrieNode;

  constructor(
    private readonly base: Automaton,
    private readonly recent: Automaton,
    private readonly removed: ReadonlySet<RuleRef>,
    private readonly predicates: readonly (readonly [RuleRef, Predicate])[],
    /** Number of live rules. */
    readonly size: number,
  ) {
    this.trie = recent.size === 0 ? base.trie : buildPathTrie(new Set([...base.paths, ...recent.paths]));
  }

  /** Ids of the rules matching `event` (the CloudEvent JSON form, or any JSON value). */
  match(event: unknown): string[] {
    const out: string[] = [];
    const stamp = ++stampCounter;
    if (this.base.size + this.recent.size > 0) this.runPatterns(flattenEvent(event, this.trie), stamp, out);
    if (this.predicates.length > 0 && typeof event === 'object' && event !== null && !Array.isArray(event)) {
      this.runPredicates(event as Record<string, unknown>, out);
    }
    return out;
  }

  /** Same result as `match(JSON.parse(text))`, without parsing the parts no pattern reads. */
  matchText(text: string): string[] {
    const out: string[] = [];
    const stamp = ++stampCounter;
    if (this.base.size + this.recent.size > 0) this.runPatterns(scanEventText(text, this.trie), stamp, out);
    if (this.predicates.length > 0) {
      let event: unknown;
      try {
        event = JSON.parse(text);
      } catch (e) {
        throw new SwitchyardError('SWY_RULES_INVALID_EVENT_TEXT', 'malformed event JSON', { cause: e, violations: [{ path: '', reason: 'not valid JSON' }] });
      }
      if (typeof event === 'object' && event !== null && !Array.isArray(event)) this.runPredicates(event as Record<string, unknown>, out);
    }
    return out;
  }

  private runPatterns(leaves: EventLeaves, stamp: number, out: string[]): void {
    const removed = this.removed.size === 0 ? null : this.removed;
    if (this.base.size > 0) this.base.run(leaves, stamp, out, removed);
    if (this.recent.size > 0) this.recent.run(leaves, stamp, out, removed);
  }

  private runPredicates(event: Record<string, unknown>, out: string[]): void {
    for (const [ref, p] of this.predicates) if (p.evaluate(event)) out.push(ref.id);
  }
}

function patternRules(entries: Iterable<Entry>): [RuleRef, CompiledPattern][] {
  const out: [RuleRef, CompiledPattern][] = [];
  for (const e of entries) if (e.filter.type === 'pattern') out.push([e.ref, e.filter.pattern]);
  return out;
}

/**
 * The matcher of one bus. Rule ids are opaque strings; adding an existing id replaces its filter.
 * @example
 * const m = new RuleMatcher();
 * m.add('big-orders', { pattern: { type: ['order.created'], data: { total: [{ numeric: ['>', 100] }] } } });
 * m.match({ specversion: '1.0', id: '1', source: '/shop', type: 'order.created', data: { total: 250 } }); // ['big-orders']
 */
export class RuleMatcher {
  private readonly entries = new Map<string, Entry>();
  private recent: Entry[] = [];
  private removed = new Set<RuleRef>();
  private predicates: (readonly [RuleRef, Predicate])[] = [];
  private current: Snapshot;
  private base: Automaton = Automaton.build([]);
  private recentAutomaton: Automaton = Automaton.build([]);

  constructor(private readonly options: FilterOptions = {}) {
    this.current = this.publish();
  }

  /** The current immutable snapshot. */
  snapshot(): Snapshot {
    return this.current;
  }

  /** Number of rules. */
  get size(): number {
    return this.entries.size;
  }

  /** Validates `filter` (throws SwitchyardError when invalid) and adds or replaces rule `ruleId`. */
  add(ruleId: string, filter: unknown): void {
    const compiled = compileFilter(filter, this.options);
    this.drop(ruleId);
    const entry: Entry = { ref: { id: ruleId, stamp: 0 }, filter: compiled };
    this.entries.set(ruleId, entry);
    if (compiled.type === 'predicate') this.predicates = [...this.predicates, [entry.ref, compiled]];
    this.recent.push(entry);
    if (this.recent.length > this.threshold()) this.rebuild();
    else this.recentAutomaton = Automaton.build(patternRules(this.recent));
    this.current = this.publish();
  }

  /** Adds or replaces many rules with one rebuild. All filters are validated first: if one is
   * invalid nothing changes. */
  addAll(rules: Iterable<readonly [string, unknown]>): void {
    const compiled = [...rules].map(([id, f]) => [id, compileFilter(f, this.options)] as const);
    for (const [id, filter] of compiled) {
      this.entries.delete(id);
      this.entries.set(id, { ref: { id, stamp: 0 }, filter });
    }
    this.predicates = [];
    for (const e of this.entries.values()) if (e.filter.type === 'predicate') this.predicates.push([e.ref, e.filter]);
    this.rebuild();
    this.current = this.publish();
  }

  /** Removes rule `ruleId`; returns false when there was none. */
  remove(ruleId: string): boolean {
    if (!this.drop(ruleId)) return false;
    if (this.removed.size > this.threshold()) this.rebuild();
    this.current = this.publish();
    return true;
  }

  /** Ids of the rules matching a parsed event (see Snapshot.match). */
  match(event: unknown): string[] {
    return this.current.match(event);
  }

  /** Ids of the rules matching raw JSON event text (see Snapshot.matchText). */
  matchText(text: string): string[] {
    return this.current.matchText(text);
  }

  private drop(ruleId: string): boolean {
    const old = this.entries.get(ruleId);
    if (old === undefined) return false;
    this.entries.delete(ruleId);
    if (old.filter.type === 'predicate') this.predicates = this.predicates.filter(([r]) => r !== old.ref);
    const i = this.recent.indexOf(old);
    if (i >= 0) {
      this.recent = this.recent.filter((e) => e !== old);
      this.recentAutomaton = Automaton.build(patternRules(this.recent));
    } else if (old.filter.type === 'pattern') {
      this.removed = new Set(this.removed).add(old.ref);
    }
    return true;
  }

  private threshold(): number {
    return Math.max(64, Math.floor(Math.sqrt(this.entries.size)));
  }

  private rebuild(): void {
    this.base = Automaton.build(patternRules(this.entries.values()));
    this.recent = [];
    this.recentAutomaton = Automaton.build([]);
    this.removed = new Set();
  }

  private publish(): Snapshot {
    return new Snapshot(this.base, this.recentAutomaton, this.removed, this.predicates, this.entries.size);
  }
}
