import { castCesqlValue } from '../cesql/index.js';
import { attributeString } from './attribute-string.js';
import type { AttributeCondition, SubscriptionFilter } from './types.js';

/** A compiled filter: does the event (CloudEvents JSON form) pass? */
export type EventPredicate = (event: Readonly<Record<string, unknown>>) => boolean;

/**
 * Compiles one validated filter into a predicate (subscriptions spec §3.2.4.1.1–2):
 * - exact / prefix / suffix: every named attribute is present and its String form equals /
 *   starts with / ends with the value, case-sensitively;
 * - all: every nested filter passes; any: at least one does; not: the nested one does not;
 * - sql: the CESQL value, coerced to Boolean, is `true` and the evaluation raised no error
 *   (a value that cannot be coerced counts as an error).
 */
export function compileFilter(filter: SubscriptionFilter): EventPredicate {
  switch (filter.dialect) {
    case 'exact':
      return conditions(filter.attributes, (actual, expected) => actual === expected);
    case 'prefix':
      return conditions(filter.attributes, (actual, expected) => actual.startsWith(expected));
    case 'suffix':
      return conditions(filter.attributes, (actual, expected) => actual.endsWith(expected));
    case 'all': {
      const parts = filter.filters.map(compileFilter);
      return (event) => parts.every((p) => p(event));
    }
    case 'any': {
      const parts = filter.filters.map(compileFilter);
      return (event) => parts.some((p) => p(event));
    }
    case 'not': {
      const inner = compileFilter(filter.filter);
      return (event) => !inner(event);
    }
    case 'sql': {
      const expression = filter.expression;
      return (event) => {
        const { value, errors } = expression.evaluate(event);
        if (errors.length > 0) return false;
        const coerced = castCesqlValue(value, 'Boolean');
        return coerced.ok && coerced.value === true;
      };
    }
  }
}

function conditions(list: readonly AttributeCondition[], test: (actual: string, expected: string) => boolean): EventPredicate {
  return (event) =>
    list.every(({ name, value }) => {
      const actual = attributeString(event, name);
      return actual !== undefined && test(actual, value);
    });
}
