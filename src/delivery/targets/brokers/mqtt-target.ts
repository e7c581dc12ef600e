import { connectAsync, ErrorWithReasonCode, type IClientPublishOptions, type MqttClient } from 'mqtt';
import type { Violation } from '../../../core/index.js';
import type { Target } from '../../target.js';
import type { TargetDeps } from '../deps.js';
import { BrokerTarget, networkFailure, UnsendableError, type BrokerDriver, type DriverFailure } from './broker-target.js';
import type { BrokerMessage } from './ce-binding.js';
import { KeyTemplate } from '../key-template.js';
import { BROKER_FIELDS, brokerOptionsOf, checkBrokerFields } from './shared-spec.js';

type SpecObject = Readonly<Record<string, unknown>>;

export const MQTT_FIELDS = [...BROKER_FIELDS, 'topic', 'retain'] as const;

/** A topic to publish to: non-empty, no wildcards, no NUL. */
export function mqttTopicProblem(t: string): string | undefined {
  if (t.includes('+') || t.includes('#')) return 'a topic to publish to may not contain wildcards (+, #)';
  if (t.includes('\0')) return 'a topic may not contain NUL';
  return undefined;
}

export function checkMqttSpec(t: SpecObject, path: string, out: Violation[]): void {
  checkBrokerFields(t, ['mqtt', 'mqtts'], path, out);
  KeyTemplate.check(t, 'topic', path, out);
  if (typeof t.topic === 'string' && !KeyTemplate.isTemplated(t.topic)) {
    const p = mqttTopicProblem(t.topic);
    if (p !== undefined) out.push({ path: `${path}/topic`, reason: p });
  }
  if (t.retain !== undefined && typeof t.retain !== 'boolean') out.push({ path: `${path}/retain`, reason: 'must be a boolean' });
}

interface MqttConn {
  readonly client: MqttClient;
  /** Rejects when the connection closes: pending publishes (no PUBACK yet) fail instead of waiting. */
  readonly lost: Promise<never>;
}

/** PUBACK / CONNACK reason codes (MQTT 5 §3.4.2.1, §3.2.2.2; MQTT 3.1.1 return codes 4 and 5). */
const AUTH_CODES = new Set([4, 5, 0x86, 0x87, 0x8c]);
const LATER_CODES = new Set([0x80, 0x83, 0x88, 0x89, 0x97, 3]);

/**
 * MQTT 5 at QoS 1: a publish succeeds on the broker's PUBACK with a success reason code (0x10
 * "no matching subscribers" included). Binary mode follows the CloudEvents MQTT binding: each
 * attribute as a user property named after it, `datacontenttype` as the Content Type property;
 * structured mode sends the JSON-format event with Content Type `application/cloudevents+json`.
 */
class MqttDriver implements BrokerDriver<MqttConn> {
  readonly kind = 'mqtt';
  readonly #topic: KeyTemplate;
  readonly #retain: boolean;
  readonly #timeoutMs: number;

  constructor(spec: SpecObject, timeoutMs: number) {
    this.#topic = KeyTemplate.of(spec, 'topic');
    this.#retain = spec.retain === true;
    this.#timeoutMs = timeoutMs;
  }

  async connect(url: URL, onLost: () => void): Promise<MqttConn> {
    const username = url.username === '' ? undefined : decodeURIComponent(url.username);
    const password = url.password === '' ? undefined : decodeURIComponent(url.password);
    const plain = new URL(url.href);
    plain.username = '';
    plain.password = '';
    const client = await connectAsync(plain.href, {
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: Math.min(this.#timeoutMs, 10_000),
      clean: true,
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
    }, false);
    client.on('error', () => undefined);
    let fail: (e: Error) => void = () => undefined;
    const lost = new Promise<never>((_, reject) => {
      fail = reject;
    });
    lost.catch(() => undefined);
    client.on('close', () => {
      fail(Object.assign(new Error('the MQTT connection closed'), { code: 'ECONNRESET' }));
      onLost();
    });
    return { client, lost };
  }

  async publish(c: MqttConn, messages: readonly BrokerMessage[]): Promise<void> {
    const prepared = messages.map((m) => {
      const r = this.#topic.render(m.json, m.source);
      if (!r.ok) throw new UnsendableError(r.reason);
      const problem = mqttTopicProblem(r.key);
      if (problem !== undefined) throw new UnsendableError(`topic "${r.key.slice(0, 200)}": ${problem}`);
      const userProperties: Record<string, string> = {};
      for (const [k, v] of m.attributes) userProperties[k] = v;
      if (m.source.traceparent !== undefined) userProperties.traceparent = m.source.traceparent;
      const opts: IClientPublishOptions = {
        qos: 1, retain: this.#retain,
        properties: { ...(m.contentType === undefined ? {} : { contentType: m.contentType }), ...(Object.keys(userProperties).length === 0 ? {} : { userProperties }) },
      };
      return { topic: r.key, body: m.body, opts };
    });
    await Promise.race([Promise.all(prepared.map((p) => c.client.publishAsync(p.topic, p.body, p.opts))), c.lost]);
  }

  async close(c: MqttConn): Promise<void> {
    await c.client.endAsync(true);
  }

  classify(err: unknown): DriverFailure {
    const net = networkFailure(err);
    if (net !== undefined) return net;
    const msg = (err as Error).message ?? String(err);
    if (err instanceof ErrorWithReasonCode) {
      if (AUTH_CODES.has(err.code)) return { errorClass: 'config', message: `the MQTT broker refused: ${msg}`, drop: true };
      if (/^Connection refused/.test(msg)) return { errorClass: LATER_CODES.has(err.code) ? 'network' : 'config', message: msg, drop: true };
      if (LATER_CODES.has(err.code)) return { errorClass: 'io', message: msg, drop: false };
      return { errorClass: 'rejected', message: msg, drop: false };
    }
    return { errorClass: 'network', message: msg, drop: true };
  }
}

export function createMqttTarget(spec: SpecObject, deps: TargetDeps): Target {
  const options = brokerOptionsOf(spec);
  return new BrokerTarget(new MqttDriver(spec, options.timeoutMs), options, deps);
}
