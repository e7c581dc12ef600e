import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Violation } from '../../core/index.js';
import type { ConfigCheck, SourceKind, SourceRun, SourceRunner } from '../types.js';
import { Backoff, sleep } from './backoff.js';
import { brokerCredentials, checkEndpoint, optionalText, requiredText, settingsObject, unknownKeys, type BrokerEndpoint } from './broker-config.js';
import { takeMessage, type BrokerLimits, type ReceivedMessage } from './broker-message.js';
import { ceHeader, sniffContentType } from './binding-text.js';

export interface MqttSourceConfig extends BrokerEndpoint {
  /** A topic filter (`+` and `#` wildcards). */
  readonly topic: string;
  /** The client id: the broker keeps this session's subscription and unacknowledged messages. */
  readonly clientId: string;
}

/** How long the broker keeps the session (and its unacknowledged messages) while the source is away. */
const SESSION_EXPIRY_S = 7 * 24 * 3600;
/** CloudEvents attributes the MQTT 5 binding carries as user properties (no prefix). */
const CORE = new Set(['specversion', 'id', 'source', 'type', 'subject', 'time', 'dataschema']);

function received(topic: string, payload: Buffer, props: { contentType?: string | undefined; userProperties?: Record<string, string | string[]> | undefined } | undefined): ReceivedMessage {
  const ceHeaders: Record<string, string> = {};
  const headers: Record<string, string> = {};
  const user = props?.userProperties ?? {};
  const isEvent = typeof user.specversion === 'string';
  for (const [k, raw] of Object.entries(user)) {
    const v = Array.isArray(raw) ? raw[0] ?? '' : raw;
    headers[k] = v;
    // Binary mode: every user property is an attribute (extensions included) once specversion is one.
    if (isEvent && (CORE.has(k) || /^[a-z0-9]{1,20}$/.test(k))) {
      const [name, value] = ceHeader(k, v);
      ceHeaders[name] = value;
    }
  }
  const contentType = props?.contentType ?? (isEvent ? undefined : sniffContentType(payload));
  return { origin: topic, body: payload, contentType, ceHeaders, headers, meta: { topic } };
}

/**
 * `mqtt`: subscribes to a topic filter at QoS 1 in a persistent session (MQTT 5, fixed client id,
 * no clean start). Each PUBACK is sent only after the event is committed (or dead-lettered); a
 * put that fails is retried here, with backoff, before its PUBACK, and a message unacknowledged
 * when the connection drops is redelivered by the broker on the next session. mqtt.js hands
 * messages over one at a time, so order is kept. A mapped message gets a random id (MQTT
 * carries none): a message redelivered after its commit is stored again unless it is a
 * CloudEvent or the mapping names an id.
 */
export function mqttKind(limits: BrokerLimits): SourceKind<MqttSourceConfig> {
  return {
    name: 'mqtt',
    description: 'an MQTT topic filter at QoS 1, PUBACK after the commit (at least once)',
    checkConfig(config: unknown, at: string): ConfigCheck<MqttSourceConfig> {
      const out: Violation[] = [];
      const o = settingsObject(config);
      unknownKeys(o, ['url', 'connection', 'topic', 'clientId'], at, 'mqtt', out);
      const ep = checkEndpoint(o, at, ['mqtt', 'mqtts'], out);
      const topic = requiredText(o, 'topic', at, 1024, out, 'the topic filter (+ and # wildcards)');
      const clientId = optionalText(o, 'clientId', at, 128, out);
      return out.length > 0 || ep === undefined ? { ok: false, violations: out } : { ok: true, config: { ...ep, topic, clientId: clientId ?? '' } };
    },
    connections: (c) => (c.connection === undefined ? [] : [c.connection]),
    start: (run) => startMqtt(run, limits),
  };
}

function startMqtt(run: SourceRun<MqttSourceConfig>, limits: BrokerLimits): SourceRunner {
  const c = run.config;
  const backoff = new Backoff();
  const loop = (async () => {
    while (!run.signal.aborted) {
      let client: MqttClient | undefined;
      try {
        const creds = await brokerCredentials(run.secrets, c.connection);
        const retry = new Backoff(500, 30_000);
        const options: IClientOptions = {
          clientId: c.clientId === '' ? `switchyard-${run.name}` : c.clientId, clean: false, protocolVersion: 5,
          properties: { sessionExpiryInterval: SESSION_EXPIRY_S }, reconnectPeriod: 0, connectTimeout: 10_000,
          ...(creds === undefined ? {} : { username: creds.user, password: creds.pass }),
          customHandleAcks: (topic, message, packet, done) => {
            void (async () => {
              for (;;) {
                const s = await takeMessage(received(topic, message, packet.properties), run, 'mqtt', limits);
                if (s.type === 'ack') return done(0);
                run.failing(s.error);
                // Stopping: no PUBACK; the broker redelivers it in the next session.
                if (run.signal.aborted) return;
                await sleep(retry.next(), run.signal);
              }
            })();
          },
        };
        client = connect(c.url, options);
        const cl = client;
        await new Promise<void>((resolve, reject) => {
          cl.once('connect', () => resolve());
          cl.once('error', reject);
          cl.once('close', () => reject(new Error('the broker closed the connection')));
        });
        const granted = await cl.subscribeAsync(c.topic, { qos: 1 });
        if (granted.some((g) => g.qos !== 1)) throw new Error(`the broker did not grant QoS 1 on "${c.topic}"`);
        backoff.reset();
        run.healthy();
        await new Promise<void>((resolve) => {
          cl.once('close', () => resolve());
          run.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        if (!run.signal.aborted) run.failing(new Error('the connection to the broker closed'));
      } catch (err) {
        if (!run.signal.aborted) run.failing(err);
      } finally {
        // Forced: a message not yet PUBACKed stays with the broker's session and comes back.
        await client?.endAsync(true).catch(() => undefined);
      }
      if (!run.signal.aborted) await sleep(backoff.next(), run.signal);
    }
  })();
  return { stop: () => loop };
}
