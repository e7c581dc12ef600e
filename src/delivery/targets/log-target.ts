import type { Violation } from '../../core/index.js';
import { serializeEvent } from '../../events/index.js';
import type { OutboundMessage, SendOutcome, Target } from '../target.js';
import type { LineSink } from './deps.js';

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50 } as const;
export type LogLevel = keyof typeof LEVELS;

export function checkLogSpec(t: Readonly<Record<string, unknown>>, path: string, out: Violation[]): void {
  if (t.level !== undefined && !(typeof t.level === 'string' && t.level in LEVELS)) {
    out.push({ path: `${path}/level`, reason: `must be one of ${Object.keys(LEVELS).join(', ')}` });
  }
}

/**
 * Writes one pino-style JSON line per message (`level` as pino's number, `time` in ms, `msg`),
 * with the event in its JSON format under `event` — or a raw body under `body`.
 */
export class LogTarget implements Target {
  readonly kind = 'log';
  readonly #level: number;
  readonly #sink: LineSink;
  readonly #now: () => number;
  #closed = false;

  constructor(level: LogLevel, sink: LineSink, now: () => number) {
    this.#level = LEVELS[level];
    this.#sink = sink;
    this.#now = now;
  }

  async send(messages: readonly OutboundMessage[], signal: AbortSignal): Promise<SendOutcome> {
    const started = performance.now();
    if (this.#closed) return { type: 'failed', durationMs: 0, errorClass: 'config', message: 'target is closed' };
    if (signal.aborted) return { type: 'failed', durationMs: 0, errorClass: 'network', message: 'aborted' };
    try {
      let out = '';
      for (const m of messages) {
        const o = m.outbound;
        const payload = o.type === 'event' ? `"event":${serializeEvent(o.event)}` : `"contentType":${JSON.stringify(o.contentType)},"body":${JSON.stringify(o.body)}`;
        out += `{"level":${this.#level},"time":${this.#now()},"msg":"delivery","bus":${JSON.stringify(m.bus)},"rule":${JSON.stringify(m.rule)},"target":${JSON.stringify(m.targetId)},"deliveryId":${JSON.stringify(m.deliveryId)},"attempt":${m.attempt},${payload}}\n`;
      }
      this.#sink.write(out);
      return { type: 'delivered', durationMs: performance.now() - started };
    } catch (err) {
      return { type: 'failed', durationMs: performance.now() - started, errorClass: 'io', message: (err as Error).message ?? String(err) };
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
