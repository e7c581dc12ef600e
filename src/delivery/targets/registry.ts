import { SwitchyardError, type Violation } from '../../core/index.js';
import type { Target } from '../target.js';
import type { TargetDeps } from './deps.js';
import { HTTP_FIELDS, checkHttpSpec, httpSpecOf } from './http/http-spec.js';
import { HttpTarget } from './http/http-target.js';
import { BusTarget, checkBusSpec } from './bus-target.js';
import { LogTarget, checkLogSpec, type LogLevel } from './log-target.js';
import { FileTarget, checkFileSpec } from './file-target.js';
import { NATS_FIELDS, checkNatsSpec, createNatsTarget } from './brokers/nats-target.js';
import { AMQP_FIELDS, checkAmqpSpec, createAmqpTarget } from './brokers/amqp-target.js';
import { REDIS_FIELDS, checkRedisSpec, createRedisTarget } from './brokers/redis-target.js';
import { MQTT_FIELDS, checkMqttSpec, createMqttTarget } from './brokers/mqtt-target.js';
import { POSTGRES_FIELDS, checkPostgresSpec, createPostgresTarget } from './brokers/postgres-target.js';
import { SMTP_FIELDS, checkSmtpSpec, createSmtpTarget } from './smtp-target.js';
import { S3_FIELDS, S3Target, checkS3Spec } from './s3-target.js';
import { SplitTarget, checkSplit } from './split-target.js';
import { Enricher, checkEnrichSpec, withEnrichment } from './http/enricher.js';
import { QUEUE_FIELDS, QueueTarget, checkQueueSpec } from './queue-target.js';

type SpecObject = Readonly<Record<string, unknown>>;

/**
 * One target kind: how its fields are checked and how a Target is built. Each kind has an entry
 * here and runs targets.contract.ts (the broker kinds in brokers/ share BrokerTarget).
 */
export interface TargetKind {
  /**
   * The kind's own field names. With the engine's generic fields (ENGINE_FIELDS in
   * src/delivery/engine/target-spec.ts) they are every field a target of this kind may have:
   * any other is refused when the rule is saved.
   */
  readonly fields: readonly string[];
  /** Appends one violation per problem in the kind-specific fields of `spec`. */
  check(spec: SpecObject, path: string, out: Violation[]): void;
  /** Builds the target; `spec` has passed `check`. Does no I/O. */
  create(spec: SpecObject, deps: TargetDeps): Target;
}

/** Fields every kind has besides the engine's: `split` (split-target.ts) and `enrich` (http/enricher.ts). */
const COMMON_FIELDS = ['split', 'enrich'] as const;

const kinds: Readonly<Record<string, TargetKind>> = {
  http: { fields: HTTP_FIELDS, check: checkHttpSpec, create: (s, d) => new HttpTarget(httpSpecOf(s), d) },
  bus: { fields: ['bus'], check: checkBusSpec, create: (s, d) => new BusTarget(s.bus as string, d.busPublisher) },
  log: { fields: ['level'], check: checkLogSpec, create: (s, d) => new LogTarget((s.level as LogLevel | undefined) ?? 'info', d.logSink ?? process.stdout, () => d.clock.now()) },
  file: { fields: ['path', 'fsync'], check: checkFileSpec, create: (s, d) => new FileTarget(d.fileDirectory, s.path as string, s.fsync === true) },
  nats: { fields: NATS_FIELDS, check: checkNatsSpec, create: createNatsTarget },
  amqp: { fields: AMQP_FIELDS, check: checkAmqpSpec, create: createAmqpTarget },
  redis: { fields: REDIS_FIELDS, check: checkRedisSpec, create: createRedisTarget },
  mqtt: { fields: MQTT_FIELDS, check: checkMqttSpec, create: createMqttTarget },
  postgres: { fields: POSTGRES_FIELDS, check: checkPostgresSpec, create: createPostgresTarget },
  smtp: { fields: SMTP_FIELDS, check: checkSmtpSpec, create: createSmtpTarget },
  s3: { fields: S3_FIELDS, check: checkS3Spec, create: (s, d) => new S3Target(s, d) },
  queue: { fields: QUEUE_FIELDS, check: checkQueueSpec, create: () => new QueueTarget() },
};

export const targetKinds: Readonly<Record<string, TargetKind>> = Object.fromEntries(Object.entries(kinds).map(([name, k]) => [name, {
  fields: [...k.fields, ...COMMON_FIELDS],
  check: (spec, path, out) => {
    k.check(spec, path, out);
    checkSplit(spec.split, path, out);
    checkEnrichSpec(spec.enrich, path, out);
  },
  create: (spec, deps) => {
    const t = k.create(spec, deps);
    const split = typeof spec.split === 'string' ? new SplitTarget(t, spec.split) : t;
    return typeof spec.enrich === 'object' && spec.enrich !== null ? withEnrichment(split, new Enricher(spec.enrich as SpecObject, deps)) : split;
  },
} satisfies TargetKind]));

/**
 * Checks the kind-specific fields of a target spec (`path` is its JSON pointer, e.g.
 * `/targets/0`). The generic fields (id, transform, retry, deadLetter, ordering, rateLimit,
 * batch) are the engine's to check, and so are unknown fields: the engine knows both lists
 * (its own and the kind's `fields`).
 *
 * @example
 * validateTargetSpec({ id: 'a', kind: 'http', url: 'ftp://x' }, '/targets/0')
 * // → [{ path: '/targets/0/url', reason: 'scheme must be http or https' }]
 */
export function validateTargetSpec(spec: unknown, path: string): Violation[] {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return [{ path, reason: 'must be an object' }];
  const s = spec as SpecObject;
  const kind = targetKinds[typeof s.kind === 'string' && Object.hasOwn(targetKinds, s.kind) ? s.kind : ''];
  if (kind === undefined) return [{ path: `${path}/kind`, reason: `must be one of ${Object.keys(targetKinds).join(', ')}` }];
  const out: Violation[] = [];
  kind.check(s, path, out);
  return out;
}

/** Builds the target of a spec; throws SWY_DELIVERY_TARGET_INVALID (with violations) for a bad spec. */
export function createTarget(spec: unknown, deps: TargetDeps): Target {
  const violations = validateTargetSpec(spec, '');
  if (violations.length > 0) {
    throw new SwitchyardError('SWY_DELIVERY_TARGET_INVALID', `${violations.length} problem(s) in the target`, { violations });
  }
  const s = spec as SpecObject;
  return targetKinds[s.kind as string]!.create(s, deps);
}
