/**
 * The AWS JSON 1.1 protocol envelope (docs/aws-compatibility.md): `POST /` with
 * `X-Amz-Target: AWSEvents.<Operation>` and a JSON body; answers are JSON with
 * `Content-Type: application/x-amz-json-1.1`, errors `{ "__type": "<Exception>", "message": "…" }`
 * with the type repeated in `x-amzn-ErrorType`, which is what the AWS SDKs parse.
 */
import { isSwitchyardError, type ErrorCode } from '../../core/index.js';

export const AWS_JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
/** The service prefix of every EventBridge operation in X-Amz-Target. */
export const TARGET_PREFIX = 'AWSEvents.';

/** An error answered in AWS's shape: its exception name, message and HTTP status. */
export class AwsError extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) {
    super(message);
    this.name = 'AwsError';
  }
}

/** AWS's error for an invalid parameter: one message per violation, as AWS words them. */
export function validationError(violations: readonly string[]): AwsError {
  const n = violations.length;
  return new AwsError('ValidationException', `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`);
}

/** Switchyard's codes whose AWS exception is not the default for their status. */
const BY_CODE: Partial<Record<ErrorCode, string>> = {
  SWY_STORE_BUS_NOT_FOUND: 'ResourceNotFoundException',
  SWY_API_RULE_NOT_FOUND: 'ResourceNotFoundException',
  SWY_STORE_BUS_EXISTS: 'ResourceAlreadyExistsException',
  SWY_STORE_BUS_PROTECTED: 'IllegalStatusException',
  SWY_INGEST_SYSTEM_BUS: 'AccessDeniedException',
  SWY_RULES_INVALID_FILTER: 'InvalidEventPatternException',
  SWY_RULES_INVALID_EVENT_TEXT: 'InvalidEventPatternException',
};

/**
 * The AWS form of any error a handler throws. Switchyard's coded errors keep their code and
 * violations in the message (so a log or a support question can name them); anything else is
 * an internal failure whose cause is not shown.
 */
export function toAwsError(err: unknown): AwsError {
  if (err instanceof AwsError) return err;
  if (isSwitchyardError(err)) {
    const detail = err.violations.length === 0 ? '' : `: ${err.violations.map((v) => `${v.path} ${v.reason}`).join('; ')}`;
    const message = `${err.message}${detail} (${err.code})`;
    const byCode = BY_CODE[err.code] ?? (err.code.startsWith('SWY_RULES_') || err.code.startsWith('SWY_CESQL_') ? 'InvalidEventPatternException' : undefined);
    if (byCode !== undefined) return new AwsError(byCode, message, 400);
    if (err.status === 401) return new AwsError('UnrecognizedClientException', message, 400);
    if (err.status === 403) return new AwsError('AccessDeniedException', message, 400);
    if (err.status === 413) return new AwsError('ValidationException', message, 400);
    if (err.status >= 500) return new AwsError('InternalException', message, err.status === 503 ? 503 : 500);
    return new AwsError('ValidationException', message, 400);
  }
  // Fastify's own errors (body too large, unreadable body) carry a statusCode and a code.
  const fe = err as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AwsError('ValidationException', 'the request body is larger than the server accepts (limits.maxRequestBytes)', 413);
    return new AwsError('SerializationException', 'the request could not be read', 400);
  }
  return new AwsError('InternalException', 'internal error', 500);
}

/** The body and headers of an AWS error answer. */
export function errorBody(e: AwsError): string {
  return JSON.stringify({ __type: e.type, message: e.message });
}
