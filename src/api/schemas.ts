/** JSON schemas shared by routes (they also feed /openapi.json). */
/** Bus and rule names: letters, digits, `.`, `_`, `-`, starting with a letter or digit; at most 64 characters. */
export const BUS_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const busName = { type: 'string', pattern: BUS_NAME.source, description: 'Bus name: letters, digits, `.`, `_`, `-`; at most 64 characters.' } as const;

export const problem = {
  type: 'object',
  description: 'RFC 9457 problem details (application/problem+json); see docs/errors.md.',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    instance: { type: 'string' },
    violations: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, reason: { type: 'string' }, code: { type: 'string' } } } },
  },
} as const;

export const cloudEvent = {
  type: 'object',
  description: 'A CloudEvent in the JSON format (attributes at top level, `data` or `data_base64`).',
  additionalProperties: true,
  properties: {
    specversion: { type: 'string' },
    id: { type: 'string' },
    source: { type: 'string' },
    type: { type: 'string' },
  },
} as const;

export const storedEvent = {
  type: 'object',
  properties: {
    event: cloudEvent,
    sequence: { type: 'integer' },
    receivedAt: { type: 'string', format: 'date-time' },
    matchedRules: { type: 'array', items: { type: 'string' } },
    deliverAt: { type: 'string', format: 'date-time', description: 'a delayed event: its deliveries start at this time (its `deliverat` attribute)' },
  },
} as const;
