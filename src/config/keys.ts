import { configSchema } from './schema.js';

/** One configurable leaf of the schema, e.g. `limits.maxEventBytes`. */
export interface ConfigKey {
  readonly path: readonly string[];
  readonly name: string;
  readonly env: string;
  readonly type: string;
  readonly default: unknown;
  readonly description: string;
  readonly enum?: readonly string[];
}

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  default?: unknown;
  description?: string;
  enum?: readonly string[];
}

const snake = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** The env variable for a key: `limits.maxEventBytes` → `SWITCHYARD_LIMITS_MAX_EVENT_BYTES`. */
export function envName(path: readonly string[]): string {
  return `SWITCHYARD_${path.map(snake).join('_')}`;
}

function walk(node: SchemaNode, path: string[], out: ConfigKey[]): void {
  if (node.type === 'object' && node.properties !== undefined) {
    for (const [k, child] of Object.entries(node.properties)) walk(child, [...path, k], out);
    return;
  }
  out.push({
    path,
    name: path.join('.'),
    env: envName(path),
    type: node.type ?? 'any',
    default: node.default,
    description: node.description ?? '',
    ...(node.enum === undefined ? {} : { enum: node.enum }),
  });
}

/** Every leaf key of the schema, in schema order. */
export const configKeys: readonly ConfigKey[] = (() => {
  const out: ConfigKey[] = [];
  walk(configSchema as unknown as SchemaNode, [], out);
  return out;
})();
