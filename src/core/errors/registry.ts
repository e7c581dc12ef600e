import type { ErrorSpec } from './spec.js';
import { coreErrors } from './codes/core.js';
import { configErrors } from './codes/config.js';
import { eventsErrors } from './codes/events.js';
import { ingestErrors } from './codes/ingest.js';
import { storeErrors } from './codes/store.js';
import { apiErrors } from './codes/api.js';
import { rulesErrors } from './codes/rules.js';
import { transformErrors } from './codes/transform.js';
import { deliveryErrors } from './codes/delivery.js';
import { schemasErrors } from './codes/schemas.js';
import { observeErrors } from './codes/observe.js';
import { replayErrors } from './codes/replay.js';
import { queueErrors } from './codes/queues.js';
import { schedulesErrors } from './codes/schedules.js';
import { sourcesErrors } from './codes/sources.js';

/**
 * The one registry of error codes (`SWY_<AREA>_<WHAT>`). docs/errors.md is generated from it
 * (`npm run docs:errors`) and a test fails when the two differ.
 */
export const errorRegistry = {
  ...coreErrors,
  ...configErrors,
  ...eventsErrors,
  ...ingestErrors,
  ...storeErrors,
  ...apiErrors,
  ...rulesErrors,
  ...transformErrors,
  ...deliveryErrors,
  ...schemasErrors,
  ...observeErrors,
  ...replayErrors,
  ...queueErrors,
  ...schedulesErrors,
  ...sourcesErrors,
} as const;

export type ErrorCode = keyof typeof errorRegistry;

/** The areas in registry order, for the generated documentation. */
export const errorAreas: ReadonlyArray<readonly [string, Readonly<Record<string, ErrorSpec>>]> = [
  ['core', coreErrors],
  ['config', configErrors],
  ['events', eventsErrors],
  ['ingest', ingestErrors],
  ['store', storeErrors],
  ['api', apiErrors],
  ['rules', rulesErrors],
  ['transform', transformErrors],
  ['delivery', deliveryErrors],
  ['schemas', schemasErrors],
  ['observe', observeErrors],
  ['replay', replayErrors],
  ['queues and consumers', queueErrors],
  ['schedules', schedulesErrors],
  ['sources', sourcesErrors],
];

export function errorSpec(code: ErrorCode): ErrorSpec {
  return errorRegistry[code];
}
