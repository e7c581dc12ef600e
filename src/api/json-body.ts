import type { FastifyInstance } from 'fastify';
import { SwitchyardError } from '../core/index.js';
import { scanJson } from '../events/index.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route judges the nesting of its JSON body itself (PutEvents checks each entry alone,
     * so one deep entry fails by itself; a schema has its own, larger limit): the body parser
     * skips its depth check.
     */
    ownJsonDepth?: boolean;
  }
}

/** Levels a request body adds around what it carries (an event, a pattern, a constant). */
export const BODY_ENVELOPE_DEPTH = 8;

/**
 * The JSON body parser of the management routes: fastify's own (secure-json-parse, with
 * `__proto__` and `constructor.prototype` refused) behind a linear, non-recursive depth check.
 * JSON.parse itself takes any depth, but what reads the body next (schema validation, pattern and
 * transformer compilers, JSON.stringify) recurses on it: a 100,000-deep body overflowed the stack
 * (a 500). A body may nest as deep as an event (`limits.maxJsonDepth`) plus its envelope.
 */
export function installJsonBodyParser(app: FastifyInstance, maxJsonDepth: number): void {
  const maxDepth = maxJsonDepth + BODY_ENVELOPE_DEPTH;
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, raw, done) => {
    // parseAs 'string' hands a string; the type allows a Buffer.
    const body = typeof raw === 'string' ? raw : raw.toString('utf8');
    if (req.routeOptions.config.ownJsonDepth !== true) {
      const scan = scanJson(body, { maxDepth, recordDepth: 0 });
      if (!scan.ok) {
        done(new SwitchyardError('SWY_API_TOO_DEEP', `the JSON body nests deeper than ${maxDepth} levels (limits.maxJsonDepth + ${BODY_ENVELOPE_DEPTH})`, {
          violations: [{ path: '/body', reason: `nested deeper than ${maxDepth} levels at offset ${scan.offset}` }],
        }), undefined);
        return;
      }
    }
    parse(req, body, done);
  });
}
