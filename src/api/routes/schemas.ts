import type { FastifyInstance } from 'fastify';
import { KeyedLock, SwitchyardError, type JsonValue } from '../../core/index.js';
import { compileFilter } from '../../rules/index.js';
import {
  SCHEMA_NAME_PATTERN, SCHEMA_SOURCE_PATTERN, asyncApiDocument, generateCode, isCodeLanguage, CODE_LANGUAGES, codeFileName, lintDataPaths, sampleEvent, versionUrn,
  type CompatibilityMode, type PatternWarning, type SchemaDialect, type SchemaInfo, type SchemaRegistry, type SchemaVersion, type ValidationMode,
} from '../../schemas/index.js';
import type { Store } from '../../store/index.js';
import { busName, problem } from '../schemas.js';

const name = { type: 'string', pattern: SCHEMA_NAME_PATTERN, description: 'Schema name: by default the CloudEvents type (1-256 characters; no whitespace, `/` or control characters).' } as const;
const versionParam = { type: 'string', pattern: '^([1-9][0-9]{0,8}|latest)$', description: 'A version number or `latest`.' } as const;
const scopeQuery = { type: 'object', additionalProperties: false, properties: { source: { type: 'string', pattern: SCHEMA_SOURCE_PATTERN, description: 'The source the schema is scoped to (1-1024 characters, no control characters); omit for the unscoped schema.' } } } as const;
const modes = ['BACKWARD', 'FORWARD', 'FULL', 'NONE'] as const;

const schemaView = {
  type: 'object',
  properties: {
    name: { type: 'string' }, source: { type: ['string', 'null'] }, description: { type: ['string', 'null'] },
    compatibility: { type: 'string', enum: modes }, latestVersion: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;
const versionView = {
  type: 'object',
  properties: {
    name: { type: 'string' }, source: { type: ['string', 'null'] }, version: { type: 'integer' },
    dialect: { type: 'string', enum: ['2020-12', 'draft-07'] }, schema: {}, origin: { type: 'string', enum: ['api', 'discovery'] },
    dataschema: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' },
  },
} as const;
const settingsView = {
  type: 'object',
  properties: { bus: { type: 'string' }, validation: { type: 'string', enum: ['off', 'warn', 'enforce'] }, discovery: { type: 'boolean' }, sampleRate: { type: 'number' } },
} as const;

const iso = (ms: number): string => new Date(ms).toISOString();
const viewSchema = (s: SchemaInfo): Record<string, unknown> => ({ ...s, createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt) });
const viewVersion = (v: SchemaVersion): Record<string, unknown> => ({ ...v, dataschema: versionUrn(v.name, v.version), createdAt: iso(v.createdAt) });
const parseVersion = (v: string): number | 'latest' => (v === 'latest' ? 'latest' : Number(v));

/**
 * Warnings for a rule filter: each `data.*` path an event pattern names that the schema of the
 * type it selects (by an exact `type`, and `source` when scoped) does not declare. Only event
 * patterns are linted; an invalid filter yields no warnings (the rules route rejects it).
 */
export function lintRuleFilter(registry: SchemaRegistry, filter: unknown): PatternWarning[] {
  let compiled;
  try {
    compiled = compileFilter(filter);
  } catch {
    return [];
  }
  if (compiled.type !== 'pattern') return [];
  const out = new Map<string, PatternWarning>();
  for (const alt of compiled.pattern.alternatives) {
    const exact = (p: string): string[] => alt.filter((c) => c.path === p).flatMap((c) => c.matchers.flatMap((m) => (m.op === 'exact' ? [m.value] : [])));
    const dataPaths = alt.map((c) => c.path).filter((p) => p.startsWith('data.'));
    if (dataPaths.length === 0) continue;
    const sources = exact('source');
    for (const type of exact('type')) {
      for (const source of sources.length > 0 ? sources : [null]) {
        const v = (source === null ? undefined : registry.latest(type, source)) ?? registry.latest(type, null);
        if (v === undefined) continue;
        for (const w of lintDataPaths(dataPaths, v.schema, `${v.name} version ${v.version}`)) out.set(`${w.path}\u0000${w.reason}`, w);
      }
    }
  }
  return [...out.values()];
}

export async function schemaRoutes(app: FastifyInstance, deps: { store: Store; registry: SchemaRegistry; version: string }): Promise<void> {
  const r = deps.registry;
  // A settings PUT merges into the current settings: one at a time per bus.
  const settingsWrites = new KeyedLock();
  const requireBus = async (bus: string): Promise<{ description: string | null }> => {
    const b = await deps.store.catalog.buses.get(bus);
    if (b === undefined) throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${bus}" does not exist`);
    return b;
  };
  type Scoped = { Params: { name: string }; Querystring: { source?: string } };
  type Versioned = { Params: { name: string; version: string }; Querystring: { source?: string } };
  const params = { type: 'object', properties: { name }, required: ['name'] } as const;
  const vparams = { type: 'object', properties: { name, version: versionParam }, required: ['name', 'version'] } as const;
  const tags = ['schemas'];

  app.get('/v1/schemas', {
    config: { scope: 'read' },
    schema: { summary: 'List schemas', tags, response: { 200: { type: 'object', properties: { items: { type: 'array', items: schemaView } } } } },
  }, async () => ({ items: (await r.list()).map(viewSchema) }));

  app.put<Scoped & { Body: { description?: string; compatibility?: CompatibilityMode } }>('/v1/schemas/:name', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Create a schema or change its description / compatibility mode', tags, params, querystring: scopeQuery,
      body: { type: 'object', additionalProperties: false, properties: { description: { type: 'string', maxLength: 1024 }, compatibility: { type: 'string', enum: modes } } },
      response: { 200: schemaView, 201: schemaView, '4xx': problem },
    },
  }, async (req, reply) => {
    const { schema, created } = await r.upsert({ name: req.params.name, source: req.query.source ?? null, description: req.body.description, compatibility: req.body.compatibility });
    return reply.code(created ? 201 : 200).send(viewSchema(schema));
  });

  app.get<Scoped>('/v1/schemas/:name', {
    config: { scope: 'read' },
    schema: { summary: 'Get a schema', tags, params, querystring: scopeQuery, response: { 200: schemaView, '4xx': problem } },
  }, async (req) => viewSchema(await r.require(req.params.name, req.query.source ?? null)));

  app.delete<Scoped>('/v1/schemas/:name', {
    config: { scope: 'admin' },
    schema: { summary: 'Delete a schema and all its versions', tags, params, querystring: scopeQuery, response: { 204: { type: 'null' }, '4xx': problem } },
  }, async (req, reply) => {
    // A delete of a schema that is not there (or was deleted meanwhile) answers 404.
    if (!(await r.delete(req.params.name, req.query.source ?? null))) await r.require(req.params.name, req.query.source ?? null);
    return reply.code(204).send();
  });

  const versionBody = {
    type: 'object', additionalProperties: false, required: ['schema'],
    properties: {
      schema: { description: 'A JSON Schema (object or boolean)' },
      dialect: { type: 'string', enum: ['2020-12', 'draft-07'], description: 'Default: from $schema, else 2020-12.' },
      compatibility: { type: 'string', enum: modes, description: 'Mode of a schema created by this call (default BACKWARD).' },
      description: { type: 'string', maxLength: 1024 },
    },
  } as const;
  type VersionBody = { schema: JsonValue; dialect?: SchemaDialect; compatibility?: CompatibilityMode; description?: string };

  app.post<Scoped & { Body: VersionBody }>('/v1/schemas/:name/versions', {
    config: { scope: 'admin', ownJsonDepth: true }, // checkSchemaLimits: its own depth limit (128), 413
    schema: {
      summary: 'Register the next version (creates the schema when missing); 409 with the breaks when incompatible', tags, params, querystring: scopeQuery, body: versionBody,
      response: { 200: versionView, 201: versionView, '4xx': problem },
    },
  }, async (req, reply) => {
    const { version, created } = await r.addVersion({
      name: req.params.name, source: req.query.source ?? null, schema: req.body.schema, dialect: req.body.dialect,
      compatibility: req.body.compatibility, description: req.body.description,
    });
    return reply.code(created ? 201 : 200).send(viewVersion(version));
  });

  app.post<Scoped & { Body: VersionBody }>('/v1/schemas/:name/compatibility', {
    config: { scope: 'read', ownJsonDepth: true }, // checkSchemaLimits: its own depth limit (128), 413
    schema: {
      summary: 'Check a candidate version against the latest without registering it', tags, params, querystring: scopeQuery, body: versionBody,
      response: {
        200: { type: 'object', properties: { compatible: { type: 'boolean' }, mode: { type: 'string' }, against: { type: ['integer', 'null'] }, breaks: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, direction: { type: 'string' }, reason: { type: 'string' } } } } } },
        '4xx': problem,
      },
    },
  }, async (req) => {
    const c = await r.compatibility(req.params.name, req.query.source ?? null, req.body.schema, req.body.dialect);
    return { compatible: c.breaks.length === 0, ...c };
  });

  app.get<Scoped>('/v1/schemas/:name/versions', {
    config: { scope: 'read' },
    schema: { summary: 'List the versions of a schema', tags, params, querystring: scopeQuery, response: { 200: { type: 'object', properties: { items: { type: 'array', items: versionView } } }, '4xx': problem } },
  }, async (req) => ({ items: (await r.versions(req.params.name, req.query.source ?? null)).map(viewVersion) }));

  app.get<Versioned>('/v1/schemas/:name/versions/:version', {
    config: { scope: 'read' },
    schema: { summary: 'Get one version', tags, params: vparams, querystring: scopeQuery, response: { 200: versionView, '4xx': problem } },
  }, async (req) => viewVersion(await r.version(req.params.name, req.query.source ?? null, parseVersion(req.params.version))));

  app.get<Versioned & { Querystring: { lang?: string } }>('/v1/schemas/:name/versions/:version/code', {
    config: { scope: 'read' },
    schema: {
      summary: 'Generated code for a version: TypeScript types and a type guard, or Python dataclasses, Java records or Go structs', tags, params: vparams,
      querystring: { type: 'object', additionalProperties: false, properties: { source: scopeQuery.properties.source, lang: { type: 'string', description: `one of ${CODE_LANGUAGES.join(', ')} (default typescript)` } } },
      response: { 200: { type: 'string' }, '4xx': problem },
    },
  }, async (req, reply) => {
    const lang = req.query.lang ?? 'typescript';
    if (!isCodeLanguage(lang)) {
      throw new SwitchyardError('SWY_SCHEMA_INVALID_REQUEST', `no code generator for "${lang}"`, { violations: [{ path: '/querystring/lang', reason: `supported: ${CODE_LANGUAGES.join(', ')}` }] });
    }
    const v = await r.version(req.params.name, req.query.source ?? null, parseVersion(req.params.version));
    // The file name a saved module needs (Java's must match its public record).
    void reply.header('content-disposition', `inline; filename="${codeFileName(lang, v)}"`);
    return reply.type('text/plain; charset=utf-8').send(generateCode(lang, v));
  });

  app.get<Versioned>('/v1/schemas/:name/versions/:version/sample', {
    config: { scope: 'read' },
    schema: { summary: 'A sample CloudEvent whose data satisfies the version', tags, params: vparams, querystring: scopeQuery, response: { 200: {}, '4xx': problem } },
  }, async (req) => sampleEvent(await r.version(req.params.name, req.query.source ?? null, parseVersion(req.params.version))));

  const busParams = { type: 'object', properties: { bus: busName }, required: ['bus'] } as const;
  app.get<{ Params: { bus: string } }>('/v1/buses/:bus/schema-settings', {
    config: { scope: 'read' },
    schema: { summary: 'Schema validation mode and discovery of a bus', tags, params: busParams, response: { 200: settingsView, '4xx': problem } },
  }, async (req) => {
    await requireBus(req.params.bus);
    return r.settings(req.params.bus);
  });

  app.put<{ Params: { bus: string }; Body: { validation?: ValidationMode; discovery?: boolean; sampleRate?: number } }>('/v1/buses/:bus/schema-settings', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Set schema validation (off / warn / enforce) and discovery of a bus; omitted fields keep their value', tags, params: busParams,
      body: { type: 'object', additionalProperties: false, properties: { validation: { type: 'string', enum: ['off', 'warn', 'enforce'] }, discovery: { type: 'boolean' }, sampleRate: { type: 'number' } } },
      response: { 200: settingsView, '4xx': problem },
    },
  }, async (req) => {
    await requireBus(req.params.bus);
    return settingsWrites.run(req.params.bus, () => {
      const cur = r.settings(req.params.bus);
      return r.setSettings({
        bus: req.params.bus, validation: req.body.validation ?? cur.validation, discovery: req.body.discovery ?? cur.discovery, sampleRate: req.body.sampleRate ?? cur.sampleRate,
      });
    });
  });

  app.get<{ Params: { bus: string } }>('/v1/buses/:bus/asyncapi', {
    config: { scope: 'read' },
    schema: { summary: 'AsyncAPI 3.0 document of a bus: the put channel and one message per registered schema', tags, params: busParams, response: { 200: {}, '4xx': problem } },
  }, async (req) => {
    const bus = await requireBus(req.params.bus);
    const latest = (await r.list()).flatMap((s) => {
      const v = r.latest(s.name, s.source);
      return v === undefined ? [] : [v];
    });
    return asyncApiDocument({ bus: req.params.bus, description: bus.description, settings: r.settings(req.params.bus), serverVersion: deps.version, schemas: latest });
  });
}
