import type { Violation } from '../../../core/index.js';
import type { ConnectionCredentials } from '../../types.js';

/** A webhook request as the verifiers see it: headers lower-case (node's), the body as received. */
export interface WebhookRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The sender's address. */
  readonly client: string;
  /** Whether the request came over the loopback interface. */
  readonly loopback: boolean;
}

/** An immediate answer a verifier gives instead of putting an event (a URL-verification challenge). */
export interface WebhookReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * The outcome of a verification. `label` says what passed (`github: verified`) for the trace.
 * A verifier may replace the body (a decrypted callback) or answer the request itself (`reply`:
 * a provider's URL challenge; then nothing is put).
 */
export type Verification =
  | {
    readonly ok: true; readonly label: string; readonly body?: Buffer; readonly reply?: WebhookReply;
    /** The answer after a successful put, when the provider expects its own (DingTalk's encrypted "success"); default 202 with the results. */
    readonly success?: WebhookReply;
  }
  | { readonly ok: false; readonly reason: string };

/** The secrets a verification reads, by connection name (resolved before `verify`). */
export type Secrets = ReadonlyMap<string, ConnectionCredentials>;

/**
 * One verification kind (docs/sources.md#verification). `check` validates its settings (paths
 * rooted at `at`); `verify` runs per request, synchronously, comparing in constant time.
 */
export interface VerifierKind<C = unknown> {
  readonly kind: string;
  check(o: Readonly<Record<string, unknown>>, at: string, out: Violation[]): C | undefined;
  connections(c: C): readonly string[];
  verify(c: C, req: WebhookRequest, secrets: Secrets, now: number): Verification;
}
