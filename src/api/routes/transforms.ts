import type { FastifyInstance } from 'fastify';
import { testTransform } from '../../transform/index.js';
import { problem } from '../schemas.js';

/** `POST /v1/transforms/test`: runs a transformer once on an event (DESIGN §8), its output capped at `maxOutputBytes`. */
export async function transformRoutes(app: FastifyInstance, deps: { readonly maxOutputBytes: number; readonly maxEventDepth: number }): Promise<void> {
  app.post<{ Body: { transform: unknown; event: unknown; ruleName?: string } }>('/v1/transforms/test', {
    config: { scope: 'read' },
    schema: {
      summary: 'Run a transformer on an event and show its output (docs/transformers.md)',
      tags: ['transforms'],
      body: {
        type: 'object',
        required: ['transform', 'event'],
        additionalProperties: false,
        properties: {
          transform: { description: 'Transformer X: complete, partial, constant, template, or the AWS InputPath/InputTransformer forms' },
          event: { description: 'A CloudEvent in JSON form' },
          ruleName: { type: 'string', description: 'Rule name the predefined variables report (default test-rule)' },
        },
      },
      response: { 200: { type: 'object', properties: { output: {}, contentType: { type: 'string' } } }, '4xx': problem },
    },
  }, async (req) => testTransform(req.body.transform, req.body.event, req.body.ruleName === undefined ? undefined : { ruleName: req.body.ruleName }, { maxOutputBytes: deps.maxOutputBytes, maxEventDepth: deps.maxEventDepth }));
}
