import type pg from 'pg';
import { SwitchyardError, type Clock } from '../../../core/index.js';
import type { NewRule, RuleCatalog, RuleRecord } from '../../types.js';
import type { ChangeRelay } from './change-relay.js';
import { writeAndAnnounce } from './write-announce.js';
import { ruleRecordOf as toRecord, type RuleRow as BaseRuleRow } from '../../rule-rows.js';

interface RuleRow extends BaseRuleRow {
  created?: boolean;
}

/** Rules per bus in PostgreSQL; a bus's rules go with it (foreign key cascade). */
export class PgRuleCatalog implements RuleCatalog {
  readonly #pool: pg.Pool;
  readonly #clock: Clock;
  readonly #relay: ChangeRelay;

  constructor(pool: pg.Pool, clock: Clock, relay: ChangeRelay) {
    this.#pool = pool;
    this.#clock = clock;
    this.#relay = relay;
  }

  async put(rule: NewRule): Promise<{ rule: RuleRecord; created: boolean }> {
    return writeAndAnnounce(this.#pool, this.#relay, async (c) => {
      // Locks the bus row: a delete of the bus on another node waits for this write, or this one finds no bus.
      const bus = await c.query('SELECT 1 FROM buses WHERE name = $1 FOR SHARE', [rule.bus]);
      if (bus.rows.length === 0) throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${rule.bus}" does not exist`);
      const now = this.#clock.now();
      // xmax = 0 only on a freshly inserted row: tells created from replaced in one statement.
      const { rows } = await c.query<RuleRow>(`
        INSERT INTO rules (bus, name, description, state, filter, targets, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
        ON CONFLICT (bus, name) DO UPDATE SET description = excluded.description, state = excluded.state,
          filter = excluded.filter, targets = excluded.targets, updated_at = excluded.updated_at
        RETURNING *, (xmax = 0) AS created`,
      [rule.bus, rule.name, rule.description, rule.state, JSON.stringify(rule.filter), JSON.stringify(rule.targets), now]);
      const row = rows[0]!;
      const created = row.created === true;
      return { value: { rule: toRecord(row), created }, changes: [{ type: 'rule', op: 'put', bus: rule.bus, name: rule.name, created }] };
    });
  }

  async get(bus: string, name: string): Promise<RuleRecord | undefined> {
    const { rows } = await this.#pool.query<RuleRow>('SELECT * FROM rules WHERE bus = $1 AND name = $2', [bus, name]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async list(bus?: string): Promise<RuleRecord[]> {
    const { rows } = bus === undefined
      ? await this.#pool.query<RuleRow>('SELECT * FROM rules ORDER BY bus, name')
      : await this.#pool.query<RuleRow>('SELECT * FROM rules WHERE bus = $1 ORDER BY name', [bus]);
    return rows.map(toRecord);
  }

  async delete(bus: string, name: string): Promise<boolean> {
    return writeAndAnnounce(this.#pool, this.#relay, async (c) => {
      const r = await c.query('DELETE FROM rules WHERE bus = $1 AND name = $2', [bus, name]);
      const deleted = (r.rowCount ?? 0) > 0;
      return { value: deleted, changes: deleted ? [{ type: 'rule', op: 'delete', bus, name }] : [] };
    });
  }
}
