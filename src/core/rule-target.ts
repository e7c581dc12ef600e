import type { JsonValue } from './json.js';

// The shape of a rule's targets as saved: types only, in the lowest layer so the store's
// RuleRecord can name them (src/store may not import src/delivery or src/transform). What they
// mean, their validation and their defaults live with the code that runs them: transformers in
// src/transform (docs/transformers.md), targets in src/delivery (docs/targets.md), which parses
// a rule's targets once, when the rule is saved (parseRuleTargets).

/**
 * A transformer as written in a target (DESIGN.md §8, docs/transformers.md). The first four are
 * Switchyard's own kinds; the last three are the AWS EventBridge target fields, accepted as is
 * (PascalCase as in the AWS API, or camelCase) so a target can be pasted from AWS.
 */
export type TransformSpec =
  | { readonly type: 'complete' }
  | { readonly type: 'partial'; readonly path: string }
  | { readonly type: 'constant'; readonly value: JsonValue }
  | {
      readonly type: 'template';
      readonly variables?: Readonly<Record<string, string>>;
      readonly template: string;
      readonly format?: TemplateFormat;
    }
  | { readonly InputPath: string }
  | { readonly InputTransformer: { readonly InputPathsMap?: Readonly<Record<string, string>>; readonly InputTemplate: string } }
  | { readonly Input: string };

/** `auto`: JSON when the template starts with `{` or `[`, text otherwise. */
export type TemplateFormat = 'auto' | 'json' | 'text';

/** The levels of a log target. */
export type TargetLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** The names of the retry presets (src/delivery/engine/retry-policy.ts RETRY_PRESETS). */
export type RetryPresetName = 'backoff' | 'exponential-decay';

/** The kind-specific fields of each target kind, as saved (defaults not applied); `kind` tags the union. */
export type TargetKindFields =
  | {
      readonly kind: 'http';
      readonly url: string;
      readonly method?: 'POST' | 'PUT' | 'PATCH';
      readonly headers?: Readonly<Record<string, string>>;
      readonly mode?: 'binary' | 'structured';
      readonly batchFormat?: 'cloudevents' | 'json';
      readonly connection?: string;
    }
  | { readonly kind: 'bus'; readonly bus: string }
  | { readonly kind: 'log'; readonly level?: TargetLogLevel }
  | { readonly kind: 'file'; readonly path: string; readonly fsync?: boolean }
  | (BrokerFields & { readonly kind: 'nats'; readonly subject: string; readonly jetstream?: boolean | { readonly stream?: string } })
  | (BrokerFields & { readonly kind: 'amqp'; readonly exchange: string; readonly routingKey: string; readonly persistent?: boolean; readonly mandatory?: boolean })
  | (BrokerFields & { readonly kind: 'redis'; readonly command?: 'xadd' | 'publish'; readonly key: string; readonly maxLen?: number })
  | (BrokerFields & { readonly kind: 'mqtt'; readonly topic: string; readonly retain?: boolean })
  | (BrokerFields & {
      readonly kind: 'postgres'; readonly table?: string; readonly columns?: Readonly<Record<string, string>>;
      readonly onConflict?: 'error' | 'ignore'; readonly channel?: string;
    })
  | {
      readonly kind: 'smtp'; readonly url: string; readonly connection?: string; readonly variables?: Readonly<Record<string, string>>;
      readonly requireTLS?: boolean; readonly tls?: { readonly rejectUnauthorized?: boolean; readonly servername?: string; readonly minVersion?: 'TLSv1.2' | 'TLSv1.3' };
      readonly from: string; readonly to: string; readonly cc?: string; readonly bcc?: string;
      readonly replyTo?: string; readonly subject: string; readonly text?: string; readonly html?: string;
    }
  | (BrokerFields & { readonly kind: 's3'; readonly bucket: string; readonly key: string; readonly region?: string })
  /** A pull queue (docs/queues.md): consumers receive, ack, release or reject; nothing is pushed. */
  | { readonly kind: 'queue'; readonly queue: string; readonly lockMs?: number; readonly maxReceives?: number };

/** The fields the broker kinds share (docs/targets.md): where, with which credentials, how an event is laid out. */
export interface BrokerFields {
  readonly url: string;
  /** A connection holding the broker's credentials. */
  readonly connection?: string;
  readonly mode?: 'binary' | 'structured';
  /** Names → JSONPaths usable as `${name}` in templated fields (subject, key, topic, …). */
  readonly variables?: Readonly<Record<string, string>>;
}

/** A `retry` field: a preset name, or a policy (docs/targets.md). */
export type RetrySpec =
  | RetryPresetName
  | {
      readonly preset?: RetryPresetName;
      readonly maxAttempts?: number;
      readonly maxAgeMs?: number;
      readonly baseMs?: number;
      readonly capMs?: number;
      readonly jitter?: 'full' | 'none';
      readonly retryAfterCapMs?: number;
      readonly nonRetryableStatuses?: readonly number[];
    };

/** The engine's generic fields a dead-letter target has too (DESIGN §8 T). */
export interface SharedTargetFields {
  readonly transform?: TransformSpec;
  readonly sendAs?: 'data' | 'body';
  readonly retry?: RetrySpec;
  readonly timeoutMs?: number;
  readonly concurrency?: number;
  readonly rateLimit?: { readonly perSecond: number; readonly burst?: number };
  readonly circuitBreaker?: { readonly failureThreshold?: number; readonly openMs?: number };
  /** One message per element of the array this JSONPath selects (docs/targets.md#split). */
  readonly split?: string;
  /** An HTTP enrichment step before the transformer (docs/targets.md#enrich). */
  readonly enrich?: { readonly url: string; readonly connection?: string; readonly timeoutMs?: number; readonly headers?: Readonly<Record<string, string>> };
}

/** A target's dead-letter target: any kind, without id, ordering, batch or a dead-letter target of its own. */
export type DeadLetterTarget = TargetKindFields & SharedTargetFields;

/** One target of a rule as saved (after the delivery layer's parseRuleTargets accepted it). */
export type RuleTarget = TargetKindFields & SharedTargetFields & {
  readonly id: string;
  readonly batch?: { readonly maxBatchSize: number; readonly maxBatchWindowMs?: number };
  readonly ordering?: { readonly groupBy: string };
  readonly deadLetter?: DeadLetterTarget;
  /** `at-least-once` (the default: retried, then dead-lettered) or `at-most-once` (one attempt, never retried, not dead-lettered). */
  readonly delivery?: 'at-least-once' | 'at-most-once';
};
