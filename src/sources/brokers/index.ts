// The broker source kinds (docs/sources.md, "Broker sources"), registered by the server.
import type { SourceKind } from '../types.js';
import type { BrokerLimits } from './broker-message.js';
import { amqpKind } from './amqp-source.js';
import { mqttKind } from './mqtt-source.js';
import { jetStreamKind, natsCoreKind } from './nats-sources.js';
import { postgresNotifyKind } from './postgres-source.js';
import { redisStreamsKind } from './redis-source.js';

export type { BrokerLimits } from './broker-message.js';

/** Every broker kind: nats, nats-jetstream, amqp, mqtt, redis-streams, postgres-notify. */
export function brokerKinds(limits: BrokerLimits): SourceKind<never>[] {
  return [natsCoreKind(limits), jetStreamKind(limits), amqpKind(limits), mqttKind(limits), redisStreamsKind(limits), postgresNotifyKind(limits)] as unknown as SourceKind<never>[];
}
