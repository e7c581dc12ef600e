import { isSwitchyardError, SwitchyardError, type Violation } from '../../core/index.js';
import { compileCesql, type CesqlFunction } from '../cesql/index.js';
import { SUBSCRIPTION_DIALECTS, type AttributeCondition, type SubscriptionFilter } from './types.js';

/**
 * Deepest nesting of `all`/`any`/`not` accepted (a top-level filter is level 1). Checking,
 * compiling and evaluating recurse on the nesting, so a hostile filter 2,000 levels deep would
 * exhaust the stack; real filters nest a few levels.
 */
export const MAX_SUBSCRIPTION_FILTER_DEPTH = 64;

/** CloudEvents attribute naming: lower-case ASCII letters and digits. */
const ATTRIBUTE_NAME = /^[a-z0-9]+$/;

export interface SubscriptionFilterOptions {
  /** User-defined CESQL functions for `sql` filters. */
  readonly functions?: readonly CesqlFunction[];
  /** JSON pointer of the filters array in the caller's document (e.g. `/filter/filters`); default ''. */
  readonly path?: string;
}

/**
 * Checks a `filters` array (subscriptions spec §3.2.4) and returns it in validated form.
 * Collects every problem and throws one SWY_RULES_SUBSCRIPTION_FILTER_INVALID with a violation
 * per problem, each with the JSON pointer of the offending member.
 */
export function validateSubscriptionFilters(input: unknown, options: SubscriptionFilterOptions = {}): SubscriptionFilter[] {
  const base = options.path ?? '';
  const violations: Violation[] = [];
  const checker = new Checker(violations, options.functions ?? []);
  if (!Array.isArray(input)) {
    violations.push({ path: base, reason: 'filters must be an array of filter objects' });
  }
  const filters = Array.isArray(input) ? input.map((f, i) => checker.filter(f, `${base}/${i}`)) : [];
  if (violations.length > 0) {
    throw new SwitchyardError('SWY_RULES_SUBSCRIPTION_FILTER_INVALID', `Invalid subscription filter (${violations.length} problem${violations.length === 1 ? '' : 's'})`, { violations });
  }
  // Every slot is a filter when no violation was recorded.
  return filters as SubscriptionFilter[];
}

/** Walks the input; records violations and returns undefined for a bad filter. */
class Checker {
  constructor(
    private readonly violations: Violation[],
    private readonly functions: readonly CesqlFunction[],
  ) {}

  filter(input: unknown, path: string, depth = 1): SubscriptionFilter | undefined {
    if (depth > MAX_SUBSCRIPTION_FILTER_DEPTH) {
      return this.fail(path, `filters nested deeper than ${MAX_SUBSCRIPTION_FILTER_DEPTH} levels (all / any / not)`);
    }
    if (!isPlainObject(input)) return this.fail(path, 'a filter must be an object with exactly one dialect, e.g. { "exact": { "type": "…" } }');
    const keys = Object.keys(input);
    if (keys.length !== 1) {
      return this.fail(path, keys.length === 0 ? 'a filter names no dialect' : `a filter must name exactly one dialect, found ${keys.map((k) => `'${k}'`).join(', ')}`);
    }
    const dialect = keys[0] as string;
    const value = input[dialect];
    const at = `${path}/${escapePointer(dialect)}`;
    switch (dialect) {
      case 'exact':
      case 'prefix':
      case 'suffix': {
        const attributes = this.conditions(value, at, dialect);
        return attributes && { dialect, attributes };
      }
      case 'all':
      case 'any': {
        const filters = this.list(value, at, dialect, depth);
        return filters && { dialect, filters };
      }
      case 'not': {
        if (Array.isArray(value)) return this.fail(at, '`not` takes one filter object, not an array');
        const filter = this.filter(value, at, depth + 1);
        return filter && { dialect, filter };
      }
      // Knative Eventing names the CESQL dialect `cesql`; it is the same dialect.
      case 'sql':
      case 'cesql':
        return this.sql(value, at, dialect);
      default:
        return this.fail(at, `unsupported filter dialect '${dialect}' (supported: ${SUBSCRIPTION_DIALECTS.join(', ')}, and cesql as an alias of sql)`);
    }
  }

  private conditions(value: unknown, path: string, dialect: string): AttributeCondition[] | undefined {
    if (!isPlainObject(value)) return this.fail(path, `\`${dialect}\` takes an object mapping attribute names to string values`);
    const entries = Object.entries(value);
    if (entries.length === 0) return this.fail(path, `\`${dialect}\` names no attribute`);
    const before = this.violations.length;
    const conditions = entries.map(([name, v]) => {
      const at = `${path}/${escapePointer(name)}`;
      if (name === '') this.fail(at, 'the attribute name must not be empty');
      else if (!ATTRIBUTE_NAME.test(name)) this.fail(at, `'${name}' is not a CloudEvents attribute name (lower-case letters and digits only)`);
      else if (name === 'data') this.fail(at, '`data` is not a context attribute; filters see attributes only');
      if (typeof v !== 'string') this.fail(at, `the value must be a string, found ${describe(v)}`);
      else if (v === '') this.fail(at, 'the value must not be empty');
      return { name, value: v as string };
    });
    return this.violations.length === before ? conditions : undefined;
  }

  private list(value: unknown, path: string, dialect: string, depth: number): SubscriptionFilter[] | undefined {
    if (!Array.isArray(value)) return this.fail(path, `\`${dialect}\` takes an array of filters`);
    if (value.length === 0) return this.fail(path, `\`${dialect}\` needs at least one filter`);
    const before = this.violations.length;
    const filters = value.map((f, i) => this.filter(f, `${path}/${i}`, depth + 1));
    return this.violations.length === before ? (filters as SubscriptionFilter[]) : undefined;
  }

  private sql(value: unknown, path: string, name: string): SubscriptionFilter | undefined {
    if (typeof value !== 'string') return this.fail(path, `\`${name}\` takes a CESQL expression string, found ${describe(value)}`);
    try {
      const expression = compileCesql(value, { functions: this.functions, path });
      // "Implementations SHOULD reject subscriptions with invalid CloudEvents SQL expressions":
      // a call no function dispatches to would error on every event, so reject it now.
      if (expression.staticErrors.length > 0) {
        for (const e of expression.staticErrors) this.fail(path, `${e.message} at offset ${e.position}`);
        return undefined;
      }
      return { dialect: 'sql', expression };
    } catch (e) {
      if (!isSwitchyardError(e) || e.code !== 'SWY_RULES_CESQL_PARSE') throw e;
      for (const v of e.violations) this.violations.push({ ...v, code: 'SWY_RULES_CESQL_PARSE' });
      return undefined;
    }
  }

  private fail(path: string, reason: string): undefined {
    this.violations.push({ path, reason });
    return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
