/**
 * Reads events' JSON-format text from the event log (JetStream in the cluster), by bus sequence.
 * PostgreSQL keeps no event bodies: the observe index's search and the delivery queue's leases
 * fetch them through this port. A sequence the log no longer holds (retention) is absent from
 * the answer.
 */
export interface EventBodies {
  read(bus: string, sequences: readonly number[]): Promise<ReadonlyMap<number, string>>;
}

/** A reader with no log behind it: every body reads as gone (tests of the index alone). */
export const noEventBodies: EventBodies = { read: async () => new Map() };
