/**
 * Dead letters of pulling sources (docs/sources.md, "Poison messages"): a broker message a
 * source could not turn into an event it may store (not a valid CloudEvent, a mapping that
 * fails, an event the bus refuses) is kept here with the reason, and acknowledged at the broker
 * so it does not block the source. Data, not configuration: not on the change feed.
 */

/** The broker message as received: where from, its headers/properties as text, its body (base64). */
export interface DeadMessage {
  /** The subject, topic, queue, stream or channel the message came from. */
  readonly origin: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType: string | null;
  /** The body, base64; cut to the store's limit (`truncated`). */
  readonly body: string;
  readonly truncated: boolean;
}

export interface NewSourceDeadLetter {
  readonly source: string;
  /** The error code (SWY_…) and its message. */
  readonly code: string;
  readonly reason: string;
  readonly message: DeadMessage;
}

export interface SourceDeadLetter extends NewSourceDeadLetter {
  /** Increasing per store; the list cursor. */
  readonly id: number;
  readonly deadAt: number;
}

export interface SourceDeadLetterPage {
  readonly items: readonly SourceDeadLetter[];
  /** The cursor of the next page (`after`), absent on the last. */
  readonly next?: number;
}

/** Every method may touch I/O. */
export interface SourceDeadLetterStore {
  /**
   * Keeps a dead letter; resolves after it is durable (the caller acknowledges the broker
   * message only then). A source keeps at most `maxPerSource` (the oldest go first).
   */
  add(entry: NewSourceDeadLetter): Promise<SourceDeadLetter>;
  /** Oldest first, after the cursor. */
  list(source: string, page: { readonly after?: number | undefined; readonly limit: number }): Promise<SourceDeadLetterPage>;
  /** Deletes a source's dead letters (all, or those ids); resolves with how many. */
  purge(source: string, ids?: readonly number[]): Promise<number>;
}

/** The most dead letters kept per source. */
export const MAX_DEAD_LETTERS_PER_SOURCE = 10_000;
