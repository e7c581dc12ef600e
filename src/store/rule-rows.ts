import type { RuleTarget } from '../core/index.js';
import type { RuleRecord } from './types.js';

/**
 * A rule as both backends store it. Filter and targets are JSON text (on PostgreSQL too, not
 * jsonb): they read back exactly as written, key order included.
 */
export interface RuleRow {
  bus: string;
  name: string;
  description: string | null;
  state: 'enabled' | 'disabled';
  filter: string;
  targets: string;
  created_at: number;
  updated_at: number;
}

export const ruleRecordOf = (r: RuleRow): RuleRecord => ({
  bus: r.bus,
  name: r.name,
  description: r.description,
  state: r.state,
  filter: JSON.parse(r.filter) as unknown,
  // Parsed by the delivery layer before it was saved: a RuleTarget[] as written.
  targets: JSON.parse(r.targets) as RuleTarget[],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
