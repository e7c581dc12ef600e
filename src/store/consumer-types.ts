/**
 * Durable consumers (stream reads, docs/consumers.md): a named reader of one bus with a
 * committed offset, the sequence of the last event it has finished with. Reads start after the
 * offset; a commit only moves it forward (so two readers of one consumer never see an event
 * again once either committed past it), a reset moves it anywhere. Deleting a bus deletes its
 * consumers. Every method may touch storage: each answers with a promise.
 */

/** A consumer as stored. */
export interface ConsumerRecord {
  readonly bus: string;
  readonly name: string;
  /** The event pattern (JSON) the consumer reads through, or null for every event. */
  readonly pattern: unknown;
  /** The sequence of the last event the consumer is done with (0: none yet); reads start after it. */
  readonly offset: number;
  readonly createdAt: number;
  /** When the offset last moved (commit or reset), ms. */
  readonly updatedAt: number;
}

export interface NewConsumer {
  readonly bus: string;
  readonly name: string;
  readonly pattern: unknown;
  /** The starting offset (the sequence before the first event to read). */
  readonly offset: number;
}

export interface ConsumerStore {
  /** Creates the consumer; `created: false` (and the stored one, unchanged) when one of that name exists on the bus. Undefined when the bus does not exist. */
  create(c: NewConsumer, now: number): Promise<{ readonly consumer: ConsumerRecord; readonly created: boolean } | undefined>;
  get(bus: string, name: string): Promise<ConsumerRecord | undefined>;
  /** The bus's consumers by name. */
  list(bus: string): Promise<ConsumerRecord[]>;
  delete(bus: string, name: string): Promise<boolean>;
  /** Moves the offset forward to `offset` (never back: a lower one changes nothing); undefined when there is no such consumer. */
  commit(bus: string, name: string, offset: number, now: number): Promise<ConsumerRecord | undefined>;
  /** Sets the offset to `offset`, forward or back; undefined when there is no such consumer. */
  reset(bus: string, name: string, offset: number, now: number): Promise<ConsumerRecord | undefined>;
}
