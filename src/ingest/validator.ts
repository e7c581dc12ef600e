import type { Violation } from '../core/index.js';
import type { CloudEvent } from '../events/index.js';

/** One event's check: an empty `violations` means valid; `schema` names the version applied. */
export interface EventCheck {
  readonly mode: 'warn' | 'enforce';
  readonly schema?: string;
  readonly violations: readonly Violation[];
}

/**
 * Checks events against registered schemas at ingest (the schema registry provides it).
 * `enforce` rejects the request with the violations; `warn` accepts it and marks the event
 * invalid; undefined = no schema applies or validation is off for the bus.
 */
export interface EventValidator {
  check(bus: string, event: CloudEvent): EventCheck | undefined;
}

export const noValidation: EventValidator = { check: () => undefined };
