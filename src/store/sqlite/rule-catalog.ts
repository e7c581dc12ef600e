import type { Database } from 'better-sqlite3';
import { SwitchyardError, type Clock } from '../../core/index.js';
import type { NewRule, RuleCatalog, RuleRecord } from '../types.js';
import type { ChangeFeed } from '../change-feed.js';
import { writeAndAnnounce } from './announce.js';
import { ruleRecordOf as toRecord, type RuleRow } from '../rule-rows.js';

/** Rules per bus. Deleting a bus deletes its rules (foreign key cascade). Changes are announced on the feed after commit. */
export class SqliteRuleCatalog implements RuleCatalog {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #feed: ChangeFeed;

  constructor(db: Database, clock: Clock, feed: ChangeFeed) {
    this.#db = db;
    this.#clock = clock;
    this.#feed = feed;
  }

  async put(rule: NewRule): Promise<{ rule: RuleRecord; created: boolean }> {
    return writeAndAnnounce(this.#db, this.#feed, () => {
      // Checked here, in the write's transaction: a bus deleted since the caller looked refuses the rule.
      if (this.#db.prepare<[string], { n: number }>('SELECT 1 AS n FROM buses WHERE name = ?').get(rule.bus) === undefined) {
        throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${rule.bus}" does not exist`);
      }
      const now = this.#clock.now();
      const existed = this.#db.prepare<[string, string], { n: number }>('SELECT 1 AS n FROM rules WHERE bus = ? AND name = ?').get(rule.bus, rule.name) !== undefined;
      const row = this.#db.prepare<[string, string, string | null, string, string, string, number, number], RuleRow>(`
        INSERT INTO rules (bus, name, description, state, filter, targets, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (bus, name) DO UPDATE SET description = excluded.description, state = excluded.state,
          filter = excluded.filter, targets = excluded.targets, updated_at = excluded.updated_at
        RETURNING *`).get(rule.bus, rule.name, rule.description, rule.state, JSON.stringify(rule.filter), JSON.stringify(rule.targets), now, now);
      return {
        value: { rule: toRecord(row!), created: !existed },
        changes: [{ type: 'rule', op: 'put', bus: rule.bus, name: rule.name, created: !existed }],
      };
    });
  }

  async get(bus: string, name: string): Promise<RuleRecord | undefined> {
    const r = this.#db.prepare<[string, string], RuleRow>('SELECT * FROM rules WHERE bus = ? AND name = ?').get(bus, name);
    return r === undefined ? undefined : toRecord(r);
  }

  async list(bus?: string): Promise<RuleRecord[]> {
    const rows = bus === undefined
      ? this.#db.prepare<[], RuleRow>('SELECT * FROM rules ORDER BY bus, name').all()
      : this.#db.prepare<[string], RuleRow>('SELECT * FROM rules WHERE bus = ? ORDER BY name').all(bus);
    return rows.map(toRecord);
  }

  async delete(bus: string, name: string): Promise<boolean> {
    return writeAndAnnounce(this.#db, this.#feed, () => {
      const deleted = this.#db.prepare('DELETE FROM rules WHERE bus = ? AND name = ?').run(bus, name).changes > 0;
      return { value: deleted, changes: deleted ? [{ type: 'rule', op: 'delete', bus, name }] : [] };
    });
  }
}
