import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, SwitchyardError, isSwitchyardError, toProblem, type Violation } from '../core/index.js';
import { isStoreUnavailable } from '../store/index.js';

/** Sends a SwitchyardError as RFC 9457 problem+json. */
export function sendProblem(reply: FastifyReply, err: SwitchyardError, instance: string): FastifyReply {
  return reply.code(err.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(toProblem(err, instance)));
}

interface AjvLikeError { instancePath?: string; message?: string; params?: Record<string, unknown>; keyword?: string }

/** Maps fastify's own errors (body limit, parse, schema validation) to registry codes. */
function fromFastify(err: FastifyError): SwitchyardError | undefined {
  if (err.validation !== undefined) {
    const ctx = err.validationContext ?? 'body';
    const violations: Violation[] = (err.validation as AjvLikeError[]).map((v) => {
      let path = `/${ctx}${v.instancePath ?? ''}`;
      if (v.keyword === 'required' && typeof v.params?.missingProperty === 'string') path += `/${v.params.missingProperty}`;
      if (v.keyword === 'additionalProperties' && typeof v.params?.additionalProperty === 'string') {
        return { path: `${path}/${v.params.additionalProperty}`, reason: 'unknown property' };
      }
      return { path, reason: v.message ?? 'invalid' };
    });
    return new SwitchyardError('SWY_API_VALIDATION', `${violations.length} violation${violations.length === 1 ? '' : 's'}`, { violations });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new SwitchyardError('SWY_INGEST_REQUEST_TOO_LARGE', 'the request body exceeds limits.maxRequestBytes');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new SwitchyardError('SWY_API_UNSUPPORTED_MEDIA_TYPE', err.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new SwitchyardError('SWY_API_MALFORMED_JSON', 'the body is empty; JSON is required');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new SwitchyardError('SWY_API_MALFORMED_JSON', 'the body is not valid JSON');
  }
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON|proto/i.test(err.message))) {
    return new SwitchyardError('SWY_API_MALFORMED_JSON', `the body is not valid JSON: ${err.message}`);
  }
  return undefined;
}

/**
 * Every error leaves as problem+json; causes of 5xx go to the log, never to the client.
 * `storageFault` (the store's classifier) turns a write that met a full disk or an I/O error in
 * any route into 503 SWY_STORE_UNAVAILABLE instead of 500.
 */
export function installProblemHandler(app: FastifyInstance, opts: { storageFault?: (err: unknown) => string | undefined } = {}): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    let e: SwitchyardError;
    if (isSwitchyardError(err)) e = err;
    else {
      const fault = opts.storageFault?.(err);
      e = fault !== undefined
        ? new SwitchyardError('SWY_STORE_UNAVAILABLE', 'the store cannot write now (disk full or I/O error); retry later', { cause: err })
        : fromFastify(err) ?? new SwitchyardError('SWY_INTERNAL', 'internal error', { cause: err });
    }
    // The store logs "cannot write" (disk full) once when its writers start failing; one line per
    // refused put would flood the log (and the disk). A catalog write is rare and logged here.
    if (isStoreUnavailable(e) && e.cause === err) req.log.warn({ err, code: e.code }, 'request failed: the store cannot write');
    else if (isStoreUnavailable(e) || isStoreUnavailable(e.cause)) req.log.debug({ code: e.code, status: e.status }, e.message);
    else if (e.status >= 500) req.log.error({ err: e.cause ?? e, code: e.code }, 'request failed');
    else req.log.info({ code: e.code, status: e.status }, e.message);
    return sendProblem(reply, e, req.url);
  });
  app.setNotFoundHandler((req, reply) => sendProblem(reply, new SwitchyardError('SWY_NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0]}`), req.url));
}
