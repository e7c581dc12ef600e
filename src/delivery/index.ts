export type { Outbound, OutboundMessage, ErrorClass, SendOutcome, Target, BusPublisher, BusForwarder, PublishResult } from './target.js';
export * from './targets/index.js';
export * from './connections/index.js';
export * from './signing/index.js';
export * from './ssrf/index.js';
export * from './engine/index.js';
