/**
 * Limits a decoder enforces. The caller (ingest) caps the request size itself; these bound what
 * one event, one batch and one JSON document may hold so hostile input costs linear time only.
 */
export interface DecodeLimits {
  /** Largest event, in bytes as defined by `eventSize` (attribute names + values + data bytes). */
  readonly maxEventBytes: number;
  /** Most events one batch may hold. */
  readonly maxBatchEvents: number;
  /** Deepest JSON nesting, counted from the event object (the event itself is level 1). Default 64. */
  readonly maxDepth?: number;
  /** Most extension attributes one event may carry. Default 100. */
  readonly maxExtensions?: number;
  /** Accept `[]` as a batch (the spec allows it). Default true; false answers SWY_EVENT_BATCH_EMPTY. */
  readonly allowEmptyBatch?: boolean;
}

export const DEFAULT_MAX_DEPTH = 64;
export const DEFAULT_MAX_EXTENSIONS = 100;

/** Limits with every optional field filled in. */
export interface ResolvedLimits {
  readonly maxEventBytes: number;
  readonly maxBatchEvents: number;
  readonly maxDepth: number;
  readonly maxExtensions: number;
  readonly allowEmptyBatch: boolean;
}

export function resolveLimits(l: DecodeLimits): ResolvedLimits {
  return {
    maxEventBytes: l.maxEventBytes,
    maxBatchEvents: l.maxBatchEvents,
    maxDepth: l.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxExtensions: l.maxExtensions ?? DEFAULT_MAX_EXTENSIONS,
    allowEmptyBatch: l.allowEmptyBatch ?? true,
  };
}

/** Limits for code paths with no configured limits (createEvent, stored events): effectively unbounded size. */
export const UNBOUNDED_LIMITS: ResolvedLimits = {
  maxEventBytes: Number.MAX_SAFE_INTEGER,
  maxBatchEvents: Number.MAX_SAFE_INTEGER,
  maxDepth: DEFAULT_MAX_DEPTH,
  maxExtensions: DEFAULT_MAX_EXTENSIONS,
  allowEmptyBatch: true,
};
