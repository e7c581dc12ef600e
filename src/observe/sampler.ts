/**
 * Head sampling with the OpenTelemetry SDK's samplers (`OTEL_TRACES_SAMPLER`): which traces get
 * spans. A `parentbased_*` sampler follows the parent's W3C `sampled` flag when there is a
 * parent and uses its root sampler otherwise; the others ignore the parent. The trace context is
 * propagated to targets whatever the decision: sampling only decides what is recorded here.
 */
import type { TraceParent } from './traceparent.js';
import { isSampled } from './traceparent.js';

export type SamplerName = 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';

export interface Sampler {
  /** Whether a span in the trace of `parent` (undefined: a new trace) is recorded. */
  sample(parent: TraceParent | undefined): boolean;
}

/**
 * TraceIdRatioBased: a known trace id is sampled when its last 56 bits (the random part of a W3C
 * trace id), as a fraction of 2^56, fall below the ratio — the same answer for the same trace on
 * every node; a new trace (its id not made yet) draws at random.
 */
function ratio(r: number, random: () => number): (parent: TraceParent | undefined) => boolean {
  if (r >= 1) return () => true;
  if (r <= 0) return () => false;
  return (parent) => (parent === undefined ? random() < r : Number.parseInt(parent.traceId.slice(-14), 16) / 2 ** 56 < r);
}

export function createSampler(name: SamplerName, arg: number, random: () => number = Math.random): Sampler {
  const byRatio = ratio(arg, random);
  const root = name.endsWith('always_on') ? () => true : name.endsWith('always_off') ? () => false : byRatio;
  if (name.startsWith('parentbased_')) return { sample: (p) => (p === undefined ? root(undefined) : isSampled(p)) };
  return { sample: root };
}

/** The default: follow the parent, record every new trace (what Switchyard did before samplers were configurable). */
export const PARENT_BASED_ALWAYS_ON: Sampler = createSampler('parentbased_always_on', 1);
