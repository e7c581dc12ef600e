import { SwitchyardError } from '../../core/index.js';

/**
 * The error every syntax problem becomes: SWY_RULES_CESQL_PARSE with one violation.
 * `path` is where the expression sits in the caller's document ('' when it is the whole input);
 * the reason names the 0-based offset so a client can point at the character.
 */
export function cesqlParseError(expression: string, position: number, reason: string, path = ''): SwitchyardError {
  return new SwitchyardError('SWY_RULES_CESQL_PARSE', `Invalid CESQL expression: ${reason} at offset ${position}`, {
    violations: [{ path, reason: `${reason} at offset ${position}` }],
    extra: { position, expression },
  });
}
