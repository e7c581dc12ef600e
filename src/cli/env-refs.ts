import type { Env } from './context.js';
import { UsageError } from './errors.js';

/**
 * Replaces `${env:NAME}` in every string of a JSON value with the environment variable NAME, so
 * files can refer to secrets instead of holding them. A variable that is not set is a usage
 * error naming it and where it was used (with `missing: 'keep'` the reference stays, for a diff
 * that sends nothing); `$${env:X}` is left as the literal `${env:X}`.
 *
 * @example
 * expandEnvRefs({ password: '${env:DB_PASSWORD}' }, { DB_PASSWORD: 's3cret' }) // { password: 's3cret' }
 */
export function expandEnvRefs(value: unknown, env: Env, where = '', missing: 'throw' | 'keep' = 'throw'): unknown {
  if (typeof value === 'string') {
    return value.replace(/(\$?)\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, escaped: string, name: string) => {
      if (escaped === '$') return whole.slice(1);
      const v = env[name];
      if (v !== undefined) return v;
      if (missing === 'keep') return whole;
      throw new UsageError(`${where || '/'}: environment variable ${name} is not set`);
    });
  }
  if (Array.isArray(value)) return value.map((x, i) => expandEnvRefs(x, env, `${where}/${i}`, missing));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value)) out[k] = expandEnvRefs(x, env, `${where}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, missing);
    return out;
  }
  return value;
}
