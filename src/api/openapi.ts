/**
 * The OpenAPI document (/openapi.json, docs/api.md): @fastify/swagger builds it from the route
 * schemas; this file adds what those cannot say. Per operation (`transform`): a stable
 * operationId and the bearer security requirement of routes that need a scope. On the whole
 * document (`transformObject`): bodies moved into named component schemas referenced with $ref,
 * rule targets as a union by `kind` and filters as a union of the three dialects, every error
 * response as application/problem+json with the shared Problem schema, and the three request
 * forms of the CloudEvents HTTP binding. Only the document changes: validation and
 * serialization keep using the route schemas.
 */
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { targetFieldsByKind } from '../delivery/index.js';
import { cloudEvent, problem } from './schemas.js';

type Json = Record<string, unknown>;

/** operationId by `METHOD /path` (OpenAPI path form). Stable: clients and generated code name calls by them. */
const OPERATION_IDS: Readonly<Record<string, string>> = {
  'GET /healthz': 'getHealth',
  'GET /readyz': 'getReadiness',
  'GET /metrics': 'getMetrics',
  'GET /v1/whoami': 'whoami',
  'GET /v1/catalog': 'listEventCatalog',
  'POST /v1/buses/{bus}/events': 'putBusEvents',
  'POST /v1/events': 'putEvents',
  'GET /v1/buses/{bus}/events': 'listEvents',
  'GET /v1/buses/{bus}/events/{id}': 'getEvent',
  'GET /v1/buses/{bus}/events/{id}/trace': 'getEventTrace',
  'GET /v1/buses/{bus}/stream': 'streamEvents',
  'GET /v1/buses': 'listBuses',
  'POST /v1/buses': 'createBus',
  'GET /v1/buses/{bus}': 'getBus',
  'PATCH /v1/buses/{bus}': 'updateBus',
  'DELETE /v1/buses/{bus}': 'deleteBus',
  'GET /v1/buses/{bus}/rules': 'listRules',
  'PUT /v1/buses/{bus}/rules/{name}': 'putRule',
  'GET /v1/buses/{bus}/rules/{name}': 'getRule',
  'DELETE /v1/buses/{bus}/rules/{name}': 'deleteRule',
  'POST /v1/buses/{bus}/rules/{name}/enable': 'enableRule',
  'POST /v1/buses/{bus}/rules/{name}/disable': 'disableRule',
  'POST /v1/rules/check': 'checkRule',
  'GET /v1/buses/{bus}/rules/{rule}/targets': 'listTargets',
  'POST /v1/buses/{bus}/rules/{rule}/targets/{target}/enable': 'enableTarget',
  'GET /v1/buses/{bus}/rules/{rule}/targets/{target}/signing-secrets': 'getSigningSecrets',
  'POST /v1/buses/{bus}/rules/{rule}/targets/{target}/signing-secrets/rotate': 'rotateSigningSecret',
  'POST /v1/patterns/test': 'testPattern',
  'POST /v1/transforms/test': 'testTransform',
  'GET /v1/schemas': 'listSchemas',
  'PUT /v1/schemas/{name}': 'putSchema',
  'GET /v1/schemas/{name}': 'getSchema',
  'DELETE /v1/schemas/{name}': 'deleteSchema',
  'GET /v1/schemas/{name}/versions': 'listSchemaVersions',
  'POST /v1/schemas/{name}/versions': 'addSchemaVersion',
  'POST /v1/schemas/{name}/compatibility': 'checkSchemaCompatibility',
  'GET /v1/schemas/{name}/versions/{version}': 'getSchemaVersion',
  'GET /v1/schemas/{name}/versions/{version}/code': 'getSchemaCode',
  'GET /v1/schemas/{name}/versions/{version}/sample': 'getSchemaSample',
  'GET /v1/buses/{bus}/schema-settings': 'getBusSchemaSettings',
  'PUT /v1/buses/{bus}/schema-settings': 'putBusSchemaSettings',
  'GET /v1/buses/{bus}/asyncapi': 'getBusAsyncApi',
  'GET /v1/connections': 'listConnections',
  'PUT /v1/connections/{name}': 'putConnection',
  'GET /v1/connections/{name}': 'getConnection',
  'DELETE /v1/connections/{name}': 'deleteConnection',
  'GET /v1/schedules': 'listSchedules',
  'PUT /v1/schedules/{name}': 'putSchedule',
  'GET /v1/schedules/{name}': 'getSchedule',
  'DELETE /v1/schedules/{name}': 'deleteSchedule',
  'GET /v1/sources': 'listSources',
  'PUT /v1/sources/{name}': 'putSource',
  'GET /v1/sources/{name}': 'getSource',
  'DELETE /v1/sources/{name}': 'deleteSource',
  'POST /v1/sources/{name}/pause': 'pauseSource',
  'POST /v1/sources/{name}/resume': 'resumeSource',
  'GET /v1/sources/{name}/dead-letters': 'listSourceDeadLetters',
  'DELETE /v1/sources/{name}/dead-letters': 'purgeSourceDeadLetters',
  'POST /v1/sources/{name}/webhook': 'receiveSourceWebhook',
  'OPTIONS /v1/sources/{name}/webhook': 'sourceWebhookHandshake',
  'OPTIONS /v1/buses/{bus}/events': 'putBusEventsHandshake',
  'GET /v1/dead-letters': 'listDeadLetters',
  'GET /v1/dead-letters/{id}': 'getDeadLetter',
  'DELETE /v1/dead-letters/{id}': 'deleteDeadLetter',
  'POST /v1/dead-letters/redrive': 'redriveDeadLetters',
  'POST /v1/dead-letters/purge': 'purgeDeadLetters',
  'POST /v1/buses/{bus}/replays': 'startReplay',
  'POST /v1/buses/{bus}/events/{id}/resend': 'resendEvent',
  'GET /v1/replays': 'listReplays',
  'GET /v1/replays/{id}': 'getReplay',
  'POST /v1/replays/{id}/pause': 'pauseReplay',
  'POST /v1/replays/{id}/resume': 'resumeReplay',
  'POST /v1/replays/{id}/cancel': 'cancelReplay',
  'PUT /v1/buses/{bus}/archives/{name}': 'putArchive',
  'GET /v1/buses/{bus}/archives': 'listArchives',
  'GET /v1/buses/{bus}/archives/{name}': 'getArchive',
  'DELETE /v1/buses/{bus}/archives/{name}': 'deleteArchive',
  'GET /v1/buses/{bus}/queues': 'listQueues',
  'GET /v1/buses/{bus}/queues/{queue}': 'getQueue',
  'POST /v1/buses/{bus}/queues/{queue}/receive': 'receiveQueueEvents',
  'POST /v1/buses/{bus}/queues/{queue}/acknowledge': 'acknowledgeQueueEvents',
  'POST /v1/buses/{bus}/queues/{queue}/release': 'releaseQueueEvents',
  'POST /v1/buses/{bus}/queues/{queue}/reject': 'rejectQueueEvents',
  'POST /v1/buses/{bus}/queues/{queue}/renew': 'renewQueueLocks',
  'GET /v1/buses/{bus}/consumers': 'listConsumers',
  'POST /v1/buses/{bus}/consumers': 'createConsumer',
  'GET /v1/buses/{bus}/consumers/{name}': 'getConsumer',
  'DELETE /v1/buses/{bus}/consumers/{name}': 'deleteConsumer',
  'POST /v1/buses/{bus}/consumers/{name}/fetch': 'fetchConsumerEvents',
  'POST /v1/buses/{bus}/consumers/{name}/commit': 'commitConsumerOffset',
  'POST /v1/buses/{bus}/consumers/{name}/reset': 'resetConsumerOffset',
  'POST /v1/buses/{bus}/transactions': 'beginTransaction',
  'GET /v1/buses/{bus}/transactions': 'listTransactions',
  'GET /v1/buses/{bus}/transactions/{id}': 'getTransaction',
  'POST /v1/buses/{bus}/transactions/{id}/commit': 'commitTransaction',
  'POST /v1/buses/{bus}/transactions/{id}/rollback': 'rollbackTransaction',
};

/** Named components for the main bodies: the response (or each item of a listed page) and the request. */
interface Naming { readonly response?: string; readonly item?: string; readonly page?: string; readonly request?: string }
const NAMING: Readonly<Record<string, Naming>> = {
  listBuses: { item: 'Bus', page: 'BusList' },
  createBus: { response: 'Bus', request: 'BusCreate' },
  getBus: { response: 'Bus' },
  updateBus: { response: 'Bus', request: 'BusUpdate' },
  listRules: { item: 'Rule', page: 'RuleList' },
  putRule: { response: 'Rule', request: 'RuleInput' },
  checkRule: { request: 'RuleInput', response: 'RuleCheck' },
  getRule: { response: 'Rule' },
  enableRule: { response: 'Rule' },
  disableRule: { response: 'Rule' },
  listEvents: { item: 'StoredEvent', page: 'EventPage' },
  getEvent: { response: 'StoredEvent' },
  putEvents: { request: 'PutEventsRequest', response: 'PutEventsResult' },
  putBusEvents: { response: 'PutResult' },
  listDeadLetters: { item: 'DeadLetterSummary', page: 'DeadLetterPage' },
  beginTransaction: { response: 'TransactionBegun', request: 'TransactionBegin' },
  getTransaction: { response: 'Transaction' },
  listTransactions: { item: 'Transaction', page: 'TransactionList' },
  getDeadLetter: { response: 'DeadLetter' },
  listConnections: { item: 'Connection', page: 'ConnectionList' },
  getConnection: { response: 'Connection' },
  putConnection: { response: 'Connection', request: 'ConnectionInput' },
  startReplay: { response: 'Replay', request: 'ReplayInput' },
  getReplay: { response: 'Replay' },
  listReplays: { item: 'Replay', page: 'ReplayList' },
  getArchive: { response: 'Archive' },
  listArchives: { item: 'Archive', page: 'ArchiveList' },
  putArchive: { response: 'Archive', request: 'ArchiveInput' },
  listQueues: { item: 'Queue', page: 'QueueList' },
  getQueue: { response: 'Queue' },
  receiveQueueEvents: { response: 'ReceiveResult' },
  acknowledgeQueueEvents: { response: 'LockTokenResult' },
  releaseQueueEvents: { response: 'LockTokenResult' },
  rejectQueueEvents: { response: 'LockTokenResult' },
  renewQueueLocks: { response: 'LockTokenResult' },
  listConsumers: { item: 'Consumer', page: 'ConsumerList' },
  getConsumer: { response: 'Consumer' },
  createConsumer: { response: 'Consumer', request: 'ConsumerCreate' },
  commitConsumerOffset: { response: 'Consumer' },
  resetConsumerOffset: { response: 'Consumer' },
  fetchConsumerEvents: { response: 'FetchResult' },
};

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const pascal = (id: string): string => id.charAt(0).toUpperCase() + id.slice(1);

/** A rule's filter: an event pattern, CloudEvents subscriptions filters, or CESQL (docs/patterns.md, docs/cesql.md). */
const filterSchema: Json = {
  description: 'A rule filter in one of three dialects (docs/patterns.md, docs/cesql.md).',
  oneOf: [
    { title: 'PatternFilter', type: 'object', required: ['pattern'], additionalProperties: false, properties: { pattern: { type: 'object', additionalProperties: true, description: 'An EventBridge-style event pattern.' } } },
    { title: 'SubscriptionsFilter', type: 'object', required: ['filters'], additionalProperties: false, properties: { filters: { type: 'array', items: { type: 'object', additionalProperties: true }, description: 'CloudEvents Subscriptions API filters (all must match).' } } },
    { title: 'SqlFilter', type: 'object', required: ['sql'], additionalProperties: false, properties: { sql: { type: 'string', description: 'A CloudEvents SQL (CESQL) expression.' } } },
  ],
};

/** One component per target kind, and Target as their union discriminated by `kind` (docs/targets.md). */
function targetSchemas(): Record<string, Json> {
  const out: Record<string, Json> = {};
  const mapping: Record<string, string> = {};
  for (const [kind, fields] of Object.entries(targetFieldsByKind())) {
    const name = `${pascal(kind)}Target`;
    const properties: Record<string, Json> = {};
    for (const f of fields) properties[f] = {};
    properties.id = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'Unique within the rule.' };
    properties.kind = { type: 'string', const: kind };
    out[name] = { type: 'object', description: `A \`${kind}\` target (docs/targets.md).`, required: ['id', 'kind'], additionalProperties: false, properties };
    mapping[kind] = `#/components/schemas/${name}`;
  }
  out.Target = { description: 'A rule target, by kind (docs/targets.md).', oneOf: Object.values(mapping).map(($ref) => ({ $ref })), discriminator: { propertyName: 'kind', mapping } };
  return out;
}

/** Adds the operationId and security requirement of one route (@fastify/swagger's `transform`). */
const transform: NonNullable<FastifyDynamicSwaggerOptions['transform']> = ({ schema, url, route }) => {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  const operationId = OPERATION_IDS[`${String(methods[0])} ${path}`];
  const scope = (route.config as { scope?: string } | undefined)?.scope;
  const s = (schema ?? {}) as Json;
  return {
    schema: {
      ...s,
      ...(operationId === undefined ? {} : { operationId }),
      // A route with a scope, and every /v1 route (whoami checks the key itself), needs a key.
      security: scope === undefined && !url.startsWith('/v1/') ? [] : [{ bearer: [] }],
    } as typeof schema,
    url,
  };
};

const isInline = (s: unknown): s is Json => typeof s === 'object' && s !== null && !('$ref' in s);

/** Puts `schema` under `name` in components (or a numbered name when a different schema has it) and returns the ref. */
function hoist(schemas: Record<string, unknown>, name: string, schema: Json): Json {
  let n = name;
  for (let i = 2; schemas[n] !== undefined && JSON.stringify(schemas[n]) !== JSON.stringify(schema); i++) n = `${name}${i}`;
  schemas[n] = schema;
  return ref(n);
}

/** The request forms of the CloudEvents HTTP binding (putBusEvents). */
function ingestBody(): Json {
  return {
    required: true,
    description: 'Structured mode (application/cloudevents+json: one event), batch mode (application/cloudevents-batch+json: an array), or binary mode: any other content type is the event\'s data, its attributes in ce-* headers (ce-specversion, ce-id, ce-source, ce-type required).',
    content: {
      'application/cloudevents+json': { schema: ref('CloudEvent') },
      'application/cloudevents-batch+json': { schema: { type: 'array', items: ref('CloudEvent') } },
      '*/*': { schema: { description: 'Binary mode: the event data, any bytes.' } },
    },
  };
}

const CE_HEADERS = ['ce-specversion', 'ce-id', 'ce-source', 'ce-type', 'ce-subject', 'ce-time', 'ce-dataschema'] as const;

/** Rewrites the generated document (@fastify/swagger's `transformObject`). */
function transformObject({ openapiObject }: { openapiObject: Json }): Json {
  const doc = openapiObject as Json & { paths: Record<string, Record<string, Json>>; components: Json & { schemas?: Record<string, unknown> } };
  const schemas: Record<string, unknown> = doc.components.schemas ?? {};
  schemas.Problem = { ...problem, properties: { ...problem.properties } };
  schemas.CloudEvent = cloudEvent;
  schemas.Filter = filterSchema;
  Object.assign(schemas, targetSchemas());
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [, op] of Object.entries(ops)) {
      const id = op.operationId as string;
      const naming = NAMING[id] ?? {};
      const body = op.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined;
      for (const media of Object.values(body?.content ?? {})) {
        if (isInline(media.schema)) media.schema = hoist(schemas, naming.request ?? `${pascal(id)}Request`, media.schema);
      }
      if (id === 'putBusEvents') {
        op.requestBody = ingestBody();
        const params = (op.parameters ?? []) as Json[];
        for (const h of CE_HEADERS) params.push({ in: 'header', name: h, required: false, schema: { type: 'string' }, description: `Binary mode: the event's ${h.slice(3)} attribute.` });
        params.push({ in: 'header', name: 'switchyard-transaction', required: false, schema: { type: 'string' }, description: 'Put the events into this open transaction of the bus (held until it commits; docs/delay-and-transactions.md).' });
        op.parameters = params;
      }
      const responses = (op.responses ?? {}) as Record<string, Json>;
      for (const [status, res] of Object.entries(responses)) {
        const content = res.content as Record<string, { schema?: unknown }> | undefined;
        if (/^[45]/.test(status) && !(path === '/readyz' && status === '503')) {
          res.content = { 'application/problem+json': { schema: ref('Problem') } };
          continue;
        }
        for (const media of Object.values(content ?? {})) {
          const s = media.schema;
          if (!isInline(s)) continue;
          const items = (s.properties as Record<string, Json> | undefined)?.items;
          if (naming.item !== undefined && items !== undefined && isInline(items.items)) items.items = hoist(schemas, naming.item, items.items);
          const name = naming.page ?? naming.response ?? (path === '/readyz' ? 'Readiness' : `${pascal(id)}Response`);
          media.schema = hoist(schemas, name, s);
        }
      }
      // Every route can refuse a request (too many headers, a content coding, a bad key).
      if (!Object.keys(responses).some((s) => s.startsWith('4'))) {
        responses['4XX'] = { description: 'The request was refused (docs/errors.md).', content: { 'application/problem+json': { schema: ref('Problem') } } };
      }
      if (!Object.keys(responses).some((s) => s.startsWith('2'))) {
        responses['200'] = { description: 'A stream of server-sent events.', content: { 'text/event-stream': { schema: { type: 'string' } } } };
      }
      op.responses = responses;
    }
  }
  for (const name of ['Rule', 'RuleInput']) {
    const rule = schemas[name] as { properties?: Record<string, Json> } | undefined;
    if (rule?.properties === undefined) continue;
    rule.properties.filter = ref('Filter');
    if (rule.properties.targets !== undefined) rule.properties.targets = { ...rule.properties.targets, items: ref('Target') };
  }
  doc.components.schemas = schemas;
  doc.servers = [{ url: '/', description: 'This server' }];
  return doc;
}

/** The @fastify/swagger options of the API. */
export function swaggerOptions(version: string): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Switchyard',
        version,
        description: 'CloudEvents-native event bus. Errors are RFC 9457 problem+json (docs/errors.md).',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key (auth.apiKeys, docs/api.md); needed only when keys are configured.' } } },
    },
    transform,
    transformObject: transformObject as unknown as FastifyDynamicSwaggerOptions['transformObject'],
  };
}
