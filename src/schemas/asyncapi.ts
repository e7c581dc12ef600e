import type { JsonValue } from '../core/index.js';
import { versionUrn } from './dataschema.js';
import type { BusSchemaSettings, SchemaVersion } from './types.js';

/** Component keys must match ^[\w\d.\-_]+$ (AsyncAPI 3.0); other characters become `_`. */
const componentKey = (s: string): string => s.replace(/[^\w.-]/g, '_');

/** CloudEvents HTTP binary-mode headers (the structured and batch modes carry them in the body). */
const CLOUDEVENT_HEADERS: JsonValue = {
  type: 'object',
  description: 'CloudEvents 1.0 attributes as HTTP headers (binary content mode). In structured mode they are members of the JSON body.',
  required: ['ce-specversion', 'ce-id', 'ce-source', 'ce-type'],
  properties: {
    'ce-specversion': { type: 'string', const: '1.0' },
    'ce-id': { type: 'string', minLength: 1 },
    'ce-source': { type: 'string', minLength: 1, format: 'uri-reference' },
    'ce-type': { type: 'string', minLength: 1 },
    'ce-subject': { type: 'string' },
    'ce-time': { type: 'string', format: 'date-time' },
    'ce-dataschema': { type: 'string', format: 'uri', description: 'urn:switchyard:schema:<name>:<version> selects a registered version' },
    'content-type': { type: 'string' },
  },
};

/**
 * An AsyncAPI 3.0 document for a bus: one channel (the put endpoint), one `receive` operation
 * (the bus receives what producers send) and one message per registered schema, whose payload
 * is the latest version in its JSON Schema dialect and whose headers are the CloudEvents ones.
 */
export function asyncApiDocument(input: {
  readonly bus: string;
  readonly description: string | null;
  readonly settings: BusSchemaSettings;
  readonly serverVersion: string;
  readonly schemas: readonly SchemaVersion[];
}): JsonValue {
  const messages: { [k: string]: JsonValue } = {};
  const refs: { [k: string]: JsonValue } = {};
  for (const v of input.schemas) {
    let id = componentKey(v.source === null ? v.name : `${v.name}__${v.source}`);
    while (id in messages) id += '_';
    messages[id] = {
      name: v.name,
      title: v.name,
      summary: `CloudEvents type ${v.name}${v.source === null ? '' : ` from source ${v.source}`}, schema version ${v.version}`,
      contentType: 'application/json',
      headers: { $ref: '#/components/schemas/CloudEventHeaders' },
      payload: { schemaFormat: `application/schema+json;version=${v.dialect}`, schema: v.schema },
      'x-dataschema': versionUrn(v.name, v.version),
      // Read back by `switchyard schemas import` (asyncapi-import.ts) to scope the schema again.
      ...(v.source === null ? {} : { 'x-source': v.source }),
    };
    refs[id] = { $ref: `#/components/messages/${id}` };
  }
  return {
    asyncapi: '3.0.0',
    id: `urn:switchyard:bus:${input.bus}`,
    info: {
      title: `Switchyard bus ${input.bus}`,
      version: input.serverVersion,
      description: `${input.description ?? 'Events put on this bus.'} Schema validation: ${input.settings.validation}.`,
    },
    defaultContentType: 'application/cloudevents+json',
    channels: {
      events: {
        address: `/v1/buses/${input.bus}/events`,
        title: `Put events on ${input.bus}`,
        description: 'POST CloudEvents here: binary, structured or batch content mode (docs/events.md).',
        messages: refs,
      },
    },
    operations: {
      receiveEvents: {
        action: 'receive',
        channel: { $ref: '#/channels/events' },
        summary: `The bus ${input.bus} receives events from producers.`,
        messages: Object.keys(refs).map((id) => ({ $ref: `#/channels/events/messages/${id}` })),
      },
    },
    components: {
      schemas: { CloudEventHeaders: CLOUDEVENT_HEADERS },
      messages,
    },
  };
}
