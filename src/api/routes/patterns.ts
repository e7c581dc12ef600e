import type { FastifyInstance } from 'fastify';
import { SwitchyardError } from '../../core/index.js';
import { testPattern } from '../../rules/index.js';
import { problem } from '../schemas.js';

/**
 * `POST /v1/patterns/test` (DESIGN §8): does this event match this filter, and if not, the first
 * failing condition. The filter may be given parsed (`filter`) or as raw text (`patternText`),
 * the event parsed (`event`) or as raw text (`eventText`, matched without a full parse).
 */
export async function patternRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: { filter?: unknown; patternText?: string; event?: unknown; eventText?: string } }>('/v1/patterns/test', {
    config: { scope: 'read' },
    schema: {
      summary: 'Test a filter against an event: match, or the first failing condition (path, operator, expected, actual)',
      tags: ['rules'],
      body: {
        type: 'object',
        additionalProperties: false,
        properties: {
          filter: { type: 'object', description: '{ "pattern": … } | { "filters": [ … ] } | { "sql": "…" }' },
          patternText: { type: 'string', description: 'an event pattern as raw JSON text' },
          event: { description: 'the event (CloudEvent JSON form, or any JSON)' },
          eventText: { type: 'string', description: 'the event as raw JSON text' },
        },
      },
      response: {
        200: { type: 'object', properties: { match: { type: 'boolean' }, reason: { type: 'object', additionalProperties: true } } },
        '4xx': problem,
      },
    },
  }, async (req) => {
    const b = req.body;
    const violations: { path: string; reason: string }[] = [];
    if ((b.filter === undefined) === (b.patternText === undefined)) violations.push({ path: '/filter', reason: 'give exactly one of filter or patternText' });
    if ((b.event === undefined) === (b.eventText === undefined)) violations.push({ path: '/event', reason: 'give exactly one of event or eventText' });
    if (violations.length > 0) throw new SwitchyardError('SWY_API_VALIDATION', 'invalid pattern test request', { violations });
    const filter = b.filter ?? { patternText: b.patternText };
    return testPattern(filter, b.eventText !== undefined ? { eventText: b.eventText } : { event: b.event });
  });
}
