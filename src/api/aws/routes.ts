/**
 * `POST /` — the AWS EventBridge API (docs/aws-compatibility.md). In its own fastify context: the
 * body is read as bytes (the SigV4 signature covers them), every error of the context, the
 * framework's included, is answered in AWS's shape, and the Bearer API-key hook does not apply
 * (the route has no scope: AWS calls authenticate with SigV4).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../core/index.js';
import { scanJson } from '../../events/index.js';
import { BODY_ENVELOPE_DEPTH } from '../json-body.js';
import { drainRefusedBody } from '../refused-body.js';
import { originOf } from '../routes/events.js';
import type { AwsContext } from './context.js';
import { OPERATIONS } from './operations.js';
import { AWS_JSON_CONTENT_TYPE, AwsError, errorBody, TARGET_PREFIX, toAwsError } from './protocol.js';
import { inputObject } from './params.js';
import { verifySigV4, type AccessKeys } from './sigv4.js';

export interface AwsApiDeps {
  /** Everything an operation needs but the caller's address. */
  readonly context: Omit<AwsContext, 'client'>;
  readonly accessKeys: AccessKeys;
  /** True when unsigned calls are allowed: no access keys and a loopback listen address. */
  readonly open: boolean;
  readonly maxRequestBytes: number;
  readonly clock: Clock;
}

const CONTENT_TYPES = /^application\/(x-amz-json-1\.[01]|json)\s*(;|$)/i;

function send(reply: FastifyReply, status: number, body: string, errorType?: string): FastifyReply {
  reply.code(status).header('content-type', AWS_JSON_CONTENT_TYPE);
  if (errorType !== undefined) reply.header('x-amzn-errortype', errorType);
  // A Buffer, so fastify sends the content type as set (no charset appended).
  return reply.send(Buffer.from(body, 'utf8'));
}

function parseBody(body: Buffer, maxDepth: number): unknown {
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  const scan = scanJson(text, { maxDepth, recordDepth: 0 });
  if (!scan.ok) throw new AwsError('SerializationException', `the request body is not JSON within ${maxDepth} levels of nesting`);
  try {
    return JSON.parse(text);
  } catch {
    throw new AwsError('SerializationException', 'the request body is not valid JSON');
  }
}

export async function awsRoutes(app: FastifyInstance, deps: AwsApiDeps): Promise<void> {
  const keys = Object.keys(deps.accessKeys).length;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.maxRequestBytes }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err, req, reply) => {
    const e = toAwsError(err);
    if (e.status >= 500) req.log.error({ err }, 'AWS API call failed');
    if (e.status !== 413) return send(reply, e.status, errorBody(e), e.type);
    return drainRefusedBody(req.raw).then(() => send(reply.header('connection', 'close'), e.status, errorBody(e), e.type));
  });
  app.post('/', { schema: { hide: true } }, async (req: FastifyRequest, reply) => {
    const target = req.headers['x-amz-target'];
    const name = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
    const op = name === undefined || !Object.hasOwn(OPERATIONS, name) ? undefined : OPERATIONS[name];
    if (op === undefined) {
      const shown = typeof target === 'string' ? target.slice(0, 128) : '(none)';
      throw new AwsError('UnknownOperationException', `X-Amz-Target ${shown} is not an operation Switchyard serves (docs/aws-compatibility.md)`);
    }
    const contentType = req.headers['content-type'];
    if (contentType === undefined || !CONTENT_TYPES.test(contentType)) throw new AwsError('SerializationException', `Content-Type must be ${AWS_JSON_CONTENT_TYPE}`);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (keys > 0) await verifySigV4({ method: req.method, url: req.url, headers: req.headers, body }, deps.accessKeys, deps.clock);
    else if (!deps.open) throw new AwsError('MissingAuthenticationTokenException', 'this server accepts AWS calls only when signed: configure auth.awsAccessKeys', 403);
    const input = inputObject(parseBody(body, deps.context.maxJsonDepth + BODY_ENVELOPE_DEPTH));
    const output = await op(input, { ...deps.context, client: originOf(req) });
    return send(reply, 200, JSON.stringify(output));
  });
}
