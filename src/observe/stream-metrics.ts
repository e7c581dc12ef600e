import { Gauge, type Registry } from 'prom-client';
import { FastCounter } from './fast-metrics.js';

/** What the pull-queue and durable-consumer gauges read at scrape time (src/streams). */
export interface StreamsSnapshot {
  readonly queues: readonly { readonly bus: string; readonly queue: string; readonly ready: number; readonly locked: number; readonly dead: number }[];
  readonly consumers: readonly { readonly bus: string; readonly consumer: string; readonly lag: number }[];
}

export type StreamsSource = () => Promise<StreamsSnapshot>;

/**
 * The queue-depth and consumer-lag gauges (docs/metrics.md). The source is read once per scrape
 * and shared by both gauges.
 */
export function registerStreamGauges(registry: Registry, source: StreamsSource): void {
  let pending: Promise<StreamsSnapshot> | undefined;
  // Both gauges collect within one scrape: the first read is shared, then dropped.
  const read = (): Promise<StreamsSnapshot> => {
    pending ??= source().finally(() => setImmediate(() => { pending = undefined; }));
    return pending;
  };
  new Gauge({
    name: 'switchyard_queue_messages', help: 'Events in a pull queue by state: ready (to be received), locked (received, not settled), dead (dead letters).', labelNames: ['bus', 'queue', 'state'], registers: [registry],
    async collect() {
      const s = await read();
      this.reset();
      for (const q of s.queues) {
        this.set({ bus: q.bus, queue: q.queue, state: 'ready' }, q.ready);
        this.set({ bus: q.bus, queue: q.queue, state: 'locked' }, q.locked);
        this.set({ bus: q.bus, queue: q.queue, state: 'dead' }, q.dead);
      }
    },
  });
  new Gauge({
    name: 'switchyard_consumer_lag', help: 'Events a durable consumer is behind its bus\'s head (head sequence − committed offset).', labelNames: ['bus', 'consumer'], registers: [registry],
    async collect() {
      const s = await read();
      this.reset();
      for (const c of s.consumers) this.set({ bus: c.bus, consumer: c.consumer }, c.lag);
    },
  });
}

/** Counters of pull-queue receives and settlements (docs/metrics.md); fits src/streams' PullObserver. */
export class QueueCounters {
  readonly #received: FastCounter<'bus' | 'queue'>;
  readonly #settled: FastCounter<'bus' | 'queue' | 'action' | 'result'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#received = new FastCounter({ name: 'switchyard_queue_received_total', help: 'Events handed out by pull-queue receives (each receive of an event counts).', labelNames: ['bus', 'queue'], registers });
    this.#settled = new FastCounter({
      name: 'switchyard_queue_settled_total', help: 'Pull-queue lock tokens settled, per action (ack, release, reject, renew; max-receives: dead-lettered at receive) and result (ok, lost, invalid).',
      labelNames: ['bus', 'queue', 'action', 'result'], registers,
    });
  }

  received(bus: string, queue: string, count: number): void {
    this.#received.inc({ bus, queue }, count);
  }

  settled(bus: string, queue: string, action: string, result: string, count: number): void {
    this.#settled.inc({ bus, queue, action, result }, count);
  }
}
