import { isInt32, type CesqlValue } from './types.js';

/**
 * Reads context attribute `name` from an event in the CloudEvents JSON form (attributes at top
 * level). CESQL sees context attributes only (spec §1), so `data` and `data_base64` are absent.
 *
 * JSON null is absence, as in the CloudEvents JSON format. Values that are not CESQL primitives are
 * represented as String (spec §3.2): a number that is not a 32-bit integer becomes its JS text,
 * an object or array its JSON text. Returns undefined when the attribute is absent.
 */
export function readAttribute(event: Readonly<Record<string, unknown>>, name: string): CesqlValue | undefined {
  if (name === 'data' || name === 'data_base64' || !Object.hasOwn(event, name)) return undefined;
  const value = event[name];
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return isInt32(value) ? value | 0 : String(value); // `| 0` turns -0 into 0
    case 'undefined':
      return undefined;
    case 'object':
      return value === null ? undefined : JSON.stringify(value);
    default:
      return String(value);
  }
}
