import type { CloudEvent } from '../events/index.js';

/**
 * Decides, at ingest, which rules of a bus an event matches. The rules engine provides the
 * real one; a bus without rules matches nothing. Must be synchronous and side-effect free:
 * it runs before the write transaction of the events it routes.
 */
export interface EventRouter {
  route(bus: string, event: CloudEvent, text: string): readonly string[];
}
