import { isJsonObject, SwitchyardError, type JsonObject, type JsonValue } from '../core/index.js';
import { DEFAULT_MAX_DEPTH, valueDepth } from '../events/index.js';
import { compileTransform } from './compile.js';
import type { TransformLimits } from './limits.js';
import { outputValue } from './output.js';
import type { TransformContext } from './variables.js';

/** The answer of `POST /v1/transforms/test` (DESIGN.md §8). */
export interface TransformTestResult {
  /** The parsed JSON for JSON outputs (and the whole event for `complete`), the string for text. */
  readonly output: JsonValue;
  readonly contentType: string;
}

/**
 * Runs a transformer once on an event, as `POST /v1/transforms/test` and
 * `switchyard test-transform` do. Context defaults: rule `test-rule`, bus `default`,
 * ingestion time = now (pass `ctx` for a fixed one).
 *
 * @throws SwitchyardError `SWY_TRANSFORM_INVALID` for a bad transformer (violations under
 *   `/transform`), `SWY_TRANSFORM_TEST_EVENT` when `event` is not a JSON object (`/event`),
 *   `SWY_TRANSFORM_OUTPUT_TOO_LARGE` when the output passes `limits.maxOutputBytes`. The event
 *   may nest `limits.maxEventDepth` levels (default 64, as limits.maxJsonDepth), as a stored one.
 * @example testTransform({ type: 'partial', path: '$.data' }, { specversion: '1.0', data: { a: 1 } })
 *   // → { output: { a: 1 }, contentType: 'application/json' }
 */
export function testTransform(
  transformSpec: unknown, event: unknown, ctx?: Partial<TransformContext>, limits: TransformLimits & { readonly maxEventDepth?: number } = {},
): TransformTestResult {
  const compiled = compileTransform(transformSpec, { ...limits, at: '/transform' });
  if (!isJsonObject(event as JsonValue)) {
    throw new SwitchyardError('SWY_TRANSFORM_TEST_EVENT', 'The event must be a CloudEvent in JSON form (a JSON object)', {
      violations: [{ path: '/event', reason: 'must be a JSON object with the CloudEvent attributes at top level and the payload under data' }],
    });
  }
  const maxDepth = limits.maxEventDepth ?? DEFAULT_MAX_DEPTH;
  // A stored event is never deeper; deeper JSON would overflow the stack where outputs are serialized.
  if (valueDepth(event, maxDepth) > maxDepth) {
    throw new SwitchyardError('SWY_TRANSFORM_TEST_EVENT', `The event is nested deeper than ${maxDepth} levels`, {
      violations: [{ path: '/event', reason: `nested deeper than ${maxDepth} levels (limits.maxJsonDepth)` }],
    });
  }
  const e = event as JsonObject;
  const full: TransformContext = {
    ruleName: ctx?.ruleName ?? 'test-rule',
    bus: ctx?.bus ?? 'default',
    ingestionTime: ctx?.ingestionTime ?? new Date().toISOString(),
    ...(ctx?.eventId !== undefined ? { eventId: ctx.eventId } : {}),
  };
  const out = compiled.run(e, full);
  return { output: outputValue(out), contentType: out.contentType };
}
