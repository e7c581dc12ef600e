// The API's answers, as far as the console reads them (docs/api.md).

export type Scope = 'admin' | 'put' | 'read';

export interface Bus { name: string; description: string | null; createdAt: string; lastSequence: number }

export interface StoredEvent {
  event: Record<string, unknown> & { id: string; source: string; type: string; subject?: string; time?: string; datacontenttype?: string; data?: unknown; data_base64?: string };
  sequence: number;
  receivedAt: string;
  matchedRules: string[];
}

/** A cursor page: `next` is a sequence number, or opaque text (dead letters, the catalogue). */
export interface Page<T, C extends number | string = number> { items: T[]; next?: C }

export interface Rule {
  bus: string; name: string; description: string | null; state: 'enabled' | 'disabled';
  filter: Record<string, unknown>; targets: Record<string, unknown>[]; createdAt: string; updatedAt: string;
}

// Wire shapes the typed client already declares (packages/client), shared rather than copied.
export type { TargetStatus, DeadLetterSummary, DeadLetter, DeliveryAttempt as Attempt, CatalogEntry, CatalogPage } from '../../packages/client/src/types';

export interface MismatchReason { path: string; operator: string; expected: unknown; actual?: unknown }

export type PatternTest = { match: true } | { match: false; reason: MismatchReason };

export type TimelineStep =
  | { at: string; step: 'received'; mode: string; size: number }
  | { at: string; step: 'matched'; rules: string[] }
  | { at: string; step: 'attempt'; rule: string; target: string; n: number; ok: boolean; status: number | null; durationMs: number; error: string | null; note?: string }
  | { at: string; step: 'delivered' | 'dead' | 'dropped'; rule: string; target: string; reason?: string }
  | { at: string; step: 'replayed'; replay: string; rule: string; target: string };

export interface Trace {
  bus: string; id: string; source: string; type: string; sequence: number;
  received: { at: string; size: number; mode: string; client: string | null; traceparent: string | null };
  validation: { result: 'valid' } | { result: 'schema-violations'; schema: string; violations: { path: string; reason: string }[] };
  rules: { matched: string[]; notMatched?: { rule: string; state: string; reason: MismatchReason | null }[] };
  targets: { rule: string; target: string; state: string; payload: string | null; payloadTruncated: boolean; lastError: string | null; attempts: { n: number; at: string; ok: boolean; status: number | null; durationMs: number; errorClass: string | null; message: string | null }[] }[];
  finalState: string;
  timeline: TimelineStep[];
}

export interface Schema { name: string; source: string | null; description: string | null; compatibility: string; latestVersion?: number | null; createdAt?: string; updatedAt?: string }

export interface SchemaVersion { name: string; source: string | null; version: number; schema: unknown; dialect?: string; createdAt?: string; description?: string | null }

export interface SchemaSettings { bus: string; validation: 'off' | 'warn' | 'enforce'; discovery: boolean; sampleRate: number }
