// Public surface of src/observe (DESIGN.md §3): event search, trace, metrics, live tail,
// traceparent propagation, OTLP span export and system events.
export { searchEvents, type SearchOptions } from './search.js';
export { compilePatternParam, type CompiledMatcherLike } from './pattern-filter.js';
export { buildTrace, type EventTrace, type TargetTrace, type TimelineStep, type FinalState, type TraceOptions } from './trace.js';
export { SwitchyardMetrics, CIRCUIT_STATE, type CircuitState, type TargetLabels, type TargetBacklog, type MetricsOptions, type SourceMetrics } from './metrics.js';
export { EventFeed } from './event-feed.js';
export {
  parseTraceparent, formatTraceparent, eventTraceparent, newSpanId, newTraceId, type TraceParent,
} from './traceparent.js';
export { OtlpExporter, otlpBody, type OtlpExporterOptions, type SpanRecord } from './otlp/index.js';
export { Tracer } from './tracer.js';
export { SystemEvents, SYSTEM_BUS, SYSTEM_EVENT_TYPES, type SystemPublisher } from './system-events.js';
export { observers, type AppendObserver } from './observers.js';
export { DeliveryTelemetry, type DeliveryLog } from './delivery-telemetry.js';
export { createObservability, type Observability, type ObserveConfig, type ObserveLog } from './observability.js';
