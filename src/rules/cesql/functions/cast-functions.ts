import { castTo } from '../cast.js';
import type { CesqlType, CesqlValue } from '../types.js';
import type { CesqlFunction, CesqlFunctionResult } from './function.js';

/**
 * Explicit casts and cast tests. INT, BOOL and STRING apply the casts of spec §3.7 (and return the
 * zero value with a CastError when they fail); IS_INT and IS_BOOL answer whether that cast would
 * succeed, without an error. They come from the CESQL drafts and SDKs; the TCK covers the first three.
 */
export const castFunctions: readonly CesqlFunction[] = [
  { name: 'INT', params: ['Any'], returns: 'Integer', impl: ([x]) => explicitCast(x as CesqlValue, 'Integer') },
  { name: 'BOOL', params: ['Any'], returns: 'Boolean', impl: ([x]) => explicitCast(x as CesqlValue, 'Boolean') },
  { name: 'STRING', params: ['Any'], returns: 'String', impl: ([x]) => explicitCast(x as CesqlValue, 'String') },
  { name: 'IS_INT', params: ['Any'], returns: 'Boolean', impl: ([x]) => castTo(x as CesqlValue, 'Integer').ok },
  { name: 'IS_BOOL', params: ['Any'], returns: 'Boolean', impl: ([x]) => castTo(x as CesqlValue, 'Boolean').ok },
];

function explicitCast(value: CesqlValue, type: CesqlType): CesqlValue | CesqlFunctionResult {
  const result = castTo(value, type);
  return result.ok ? result.value : { value: result.value, error: result.reason, errorKind: 'cast' };
}
