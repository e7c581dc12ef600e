import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, SwitchyardError, isSwitchyardError, toProblem, type Violation } from '../core/index.js';
import { isStoreUnavailable } from '../store/index.js';
import { drainRefusedBody } from './refused-body.js';

/**
 * Longest path segment (fastify's `maxParamLength`): names (schemas up to 256 characters) and
 * event ids arrive percent-encoded in path segments, so fastify's default of 100 is too short.
 */
export const MAX_PATH_SEGMENT = 4096;

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
  // Any other refusal of the framework's is still the client's fault and must not become a 500.
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new SwitchyardError('SWY_API_BAD_REQUEST', err.message);
  }
  return undefined;
}

/**
 * fastify's `frameworkErrors` option: errors raised while routing, before any hook runs (an
 * undecodable path, a path segment over {@link MAX_PATH_SEGMENT}), which fastify would
 * otherwise answer with its own JSON body instead of problem+json.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  let e: SwitchyardError;
  switch (err.code) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
      e = new SwitchyardError('SWY_API_URI_TOO_LONG', `a path segment is longer than ${MAX_PATH_SEGMENT} characters`);
      break;
    case 'FST_ERR_BAD_URL':
      e = new SwitchyardError('SWY_API_BAD_URL', 'the request path is not a valid URL (broken percent-encoding)');
      break;
    default:
      e = fromFastify(err) ?? new SwitchyardError('SWY_INTERNAL', 'internal error', { cause: err });
  }
  if (e.status >= 500) req.log.error({ err: e.cause ?? e, code: e.code }, 'request failed');
  else req.log.info({ code: e.code, status: e.status }, e.message);
  // The path may be the very thing that is too long: instance keeps its start only.
  sendProblem(reply, e, req.url.length > 256 ? `${req.url.slice(0, 256)}…` : req.url);
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
    if (e.code !== 'SWY_INGEST_REQUEST_TOO_LARGE') return sendProblem(reply, e, req.url);
    return drainRefusedBody(req.raw).then(() => sendProblem(reply.header('connection', 'close'), e, req.url));
  });
  app.setNotFoundHandler((req, reply) => sendProblem(reply, new SwitchyardError('SWY_NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0]}`), req.url));
}
