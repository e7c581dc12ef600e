import type { Clock, ErrorCode, Violation } from '../core/index.js';
import type { CloudEvent, ContentMode } from '../events/index.js';
import type { CompiledMapping } from './mapping/mapping.js';
import type { DeadMessage } from '../store/index.js';

/**
 * Where a source's events came from, kept with each event for its trace (`via`). The server maps
 * it onto ingest's `source` origin (src/ingest/put-origin.ts).
 */
export interface SourcePutOrigin {
  /** The source's name. */
  readonly source: string;
  /** The source's kind (`webhook`, `nats`, …). */
  readonly kind: string;
  /** How the source authenticated what it received, e.g. `github: verified`; absent for kinds without verification. */
  readonly verification?: string | undefined;
  /** The CloudEvents content mode when the message already was a CloudEvent; absent when it was mapped. */
  readonly mode?: ContentMode | undefined;
  /** The sender's address (webhooks) or the broker (pulling kinds). */
  readonly client?: string | undefined;
  readonly traceparent?: string | undefined;
}

/** What became of one event put by a source (ingest's PutOutcome, structurally). */
export type SourcePutOutcome =
  | { readonly type: 'stored' | 'duplicate'; readonly id: string; readonly source: string; readonly sequence: number }
  | { readonly type: 'refused'; readonly id: string; readonly source: string; readonly code: ErrorCode; readonly message: string; readonly violations?: readonly Violation[] }
  | { readonly type: 'withheld'; readonly id: string; readonly source: string };

/**
 * The domain put, as sources need it: all or none (one refused event withholds the others).
 * Wired by the server to `IngestService.put(bus, events, { kind: 'source', … }, { atomic: true })`;
 * it resolves after the commit, so a `stored` outcome is durable (a pulling kind acknowledges
 * its broker message only then). Throws for the put as a whole (a missing bus, a store fault).
 */
export interface SourcePublisher {
  put(bus: string, events: readonly CloudEvent[], origin: SourcePutOrigin): Promise<readonly SourcePutOutcome[]>;
}

/** A connection's settings with its secrets in clear (src/delivery/connections), e.g. `{ kind: 'hmac', secret }`. */
export type ConnectionCredentials = { readonly kind: string } & Readonly<Record<string, unknown>>;

/** Reads a connection's secrets (the connection vault); undefined when it does not exist. */
export interface SecretResolver {
  credentials(connection: string): Promise<ConnectionCredentials | undefined>;
}

/** Told when a source starts failing and when it recovers (system events, src/observe). */
export interface SourceHealthListener {
  failing(source: { readonly name: string; readonly kind: string; readonly bus: string }, error: string): void;
  recovered(source: { readonly name: string; readonly kind: string; readonly bus: string }): void;
}

export interface SourceLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A kind's check of its settings: the normalized config, or one violation per problem. */
export type ConfigCheck<C> = { readonly ok: true; readonly config: C } | { readonly ok: false; readonly violations: readonly Violation[] };

/** What a kind's check may depend on besides the body. */
export interface SourceCheckContext {
  /** True when the server listens on loopback only: a webhook source may then go without verification. */
  readonly allowUnverified: boolean;
}

/**
 * A running pulling source, as its kind sees it. `put` counts what it puts (put, rejected, last
 * event time) and reports health; the kind calls `received(n)` for each message taken, and
 * `failing(err)` / `healthy()` around connection trouble (one system event per transition).
 */
export interface SourceRun<C> {
  readonly name: string;
  readonly bus: string;
  readonly config: C;
  readonly mapping: CompiledMapping;
  readonly clock: Clock;
  readonly log: SourceLog;
  readonly secrets: SecretResolver;
  /** Aborted when the source stops (paused, replaced, deleted, server stopping). */
  readonly signal: AbortSignal;
  /** Puts the events (all or none) with this source as their origin; counts them. */
  put(events: readonly CloudEvent[], origin?: Partial<Omit<SourcePutOrigin, 'source' | 'kind'>>): Promise<readonly SourcePutOutcome[]>;
  /** Counts messages taken from the broker (each counts once, whatever becomes of it). */
  received(n?: number): void;
  /** Counts messages refused (a poison message sent to the source's dead letters, say). */
  rejected(n?: number): void;
  /** The source cannot work (broker unreachable, …): status `failing` with this error. */
  failing(error: unknown): void;
  /** The source works again: status back to `running`. */
  healthy(): void;
  /**
   * Keeps a message the source cannot take (a poison message) in the source's dead letters with
   * the reason, and counts it rejected; resolves once it is durable, so the kind acknowledges the
   * broker message only then. Added for the broker kinds (src/sources/brokers).
   */
  deadLetter(message: DeadMessage, error: { readonly code: string; readonly reason: string }): Promise<void>;
}

/** A started pulling source; `stop` resolves once in-flight messages have settled (acknowledged or left for redelivery). */
export interface SourceRunner {
  stop(): Promise<void>;
}

/**
 * A kind of event source, registered in the {@link SourceKinds} registry. Push kinds (webhook)
 * receive through the API; pulling kinds (brokers, schedules) implement `start`, which the
 * source manager calls for each running source of the kind and stops on pause, replace, delete
 * and shutdown.
 */
export interface SourceKind<C = unknown> {
  /** The `kind` of the source body. */
  readonly name: string;
  /** One line for docs and the OpenAPI description. */
  readonly description: string;
  /** Checks and normalizes `config` (violation paths rooted at `at`, e.g. `/config`). */
  checkConfig(config: unknown, at: string, ctx: SourceCheckContext): ConfigCheck<C>;
  /** The connections the config names (each must exist when the source is put). */
  connections(config: C): readonly string[];
  /** Starts a pulling source; absent for push kinds. */
  start?(run: SourceRun<C>): SourceRunner | Promise<SourceRunner>;
}
