import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

type AddFormats = (ajv: Ajv) => Ajv;
// ajv-formats is CommonJS: depending on the loader its function is the import or its `default`.
const addFormats: AddFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

const shared: Options = { useDefaults: true, removeAdditional: false, allErrors: true, addUsedSchema: false };

/**
 * Route schema validators. A JSON body is checked as sent: no type coercion, so `"5"` for an
 * integer or `1` for a string is a 400 with the field named, never silently converted. Path
 * parameters, query strings and headers arrive as text, so there numbers and booleans are
 * coerced from their text form and a repeated query key may fill an array.
 */
export function installValidators(app: FastifyInstance): void {
  const body = addFormats(new Ajv({ ...shared, coerceTypes: false }));
  const text = addFormats(new Ajv({ ...shared, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema));
}
