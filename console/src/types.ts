// The API's answers, as far as the console reads them (docs/api.md).

export type Scope = 'admin' | 'put' | 'read';

export interface Bus { name: string; description: string | null; createdAt: string; lastSequence: number }

export interface StoredEvent {
  event: Record<string, unknown> & { id: string; source: string; type: string; subject?: string; time?: string; datacontenttype?: string; data?: unknown; data_base64?: string };
  sequence: number;
  receivedAt: string;
  matchedRules: string[];
}

export interface Page<T> { items: T[]; next?: number }

export interface Rule {
  bus: string; name: string; description: string | null; state: 'enabled' | 'disabled';
  filter: Record<string, unknown>; targets: Record<string, unknown>[]; createdAt: string; updatedAt: string;
}

export interface TargetStatus {
  id: string; kind: string; state: 'enabled' | 'disabled'; health: 'healthy' | 'failing' | 'disabled';
  breaker: { type: 'closed' | 'open' | 'half-open'; consecutiveFailures?: number; until?: string };
  failingSince: string | null; disabledAt: string | null; inFlight: number;
  deliveries: { pending: number; waiting: number; dead: number };
}

export interface DeadLetterSummary {
  id: number; bus: string; sequence: number; eventId: string; rule: string; target: string; group: string | null;
  createdAt: string; deadAt: string; attempts: number; lastError: string | null;
}

export interface Attempt { at: string; durationMs: number; ok: boolean; status: number | null; errorClass: string | null; message: string | null; response: string | null }

export interface DeadLetter extends DeadLetterSummary { event: Record<string, unknown> | null; payload: string | null; attemptLog: Attempt[] }

export interface MismatchReason { path: string; operator: string; expected: unknown; actual?: unknown }

export type PatternTest = { match: true } | { match: false; reason: MismatchReason };

export type TimelineStep =
  | { at: string; step: 'received'; mode: string; size: number }
  | { at: string; step: 'matched'; rules: string[] }
  | { at: string; step: 'attempt'; rule: string; target: string; n: number; ok: boolean; status: number | null; durationMs: number; error: string | null; note?: string }
  | { at: string; step: 'delivered' | 'dead'; rule: string; target: string; reason?: string };

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
