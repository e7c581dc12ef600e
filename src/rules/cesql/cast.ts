import { INT32_MAX, INT32_MIN, typeOf, zeroOf, type CesqlType, type CesqlValue } from './types.js';

/**
 * The casts of spec §3.7, shared by implicit casts (operators, function arguments) and the
 * explicit INT/BOOL/STRING functions. A failed cast yields the zero value of the target type and
 * a reason; the caller turns the reason into a CastError.
 */
export type CastResult = { readonly ok: true; readonly value: CesqlValue } | { readonly ok: false; readonly value: CesqlValue; readonly reason: string };

/** `[+-]?[0-9]+`, nothing else: no spaces, no hex, no exponent. */
const DECIMAL = /^[+-]?[0-9]+$/;

export function castTo(value: CesqlValue, type: CesqlType): CastResult {
  if (typeOf(value) === type) return { ok: true, value };
  switch (type) {
    case 'Integer':
      return toInteger(value);
    case 'Boolean':
      return toBoolean(value);
    case 'String':
      return { ok: true, value: toCesqlString(value) };
  }
}

/** Integer → base 10 without leading zeros; Boolean → `true` / `false`. Never fails. */
export function toCesqlString(value: CesqlValue): string {
  return typeof value === 'string' ? value : String(value);
}

function toInteger(value: CesqlValue): CastResult {
  if (typeof value === 'boolean') return { ok: true, value: value ? 1 : 0 };
  const text = value as string;
  if (!DECIMAL.test(text)) return fail('Integer', `cannot cast ${JSON.stringify(text)} to Integer: not a base 10 integer`);
  const n = Number(text);
  if (n < INT32_MIN || n > INT32_MAX) return fail('Integer', `cannot cast ${JSON.stringify(text)} to Integer: outside the 32-bit range`);
  return { ok: true, value: n === 0 ? 0 : n };
}

function toBoolean(value: CesqlValue): CastResult {
  if (typeof value === 'number') return { ok: true, value: value !== 0 };
  const lower = (value as string).toLowerCase();
  if (lower === 'true') return { ok: true, value: true };
  if (lower === 'false') return { ok: true, value: false };
  return fail('Boolean', `cannot cast ${JSON.stringify(value)} to Boolean: only 'true' and 'false' (any case) are booleans`);
}

function fail(type: CesqlType, reason: string): CastResult {
  return { ok: false, value: zeroOf(type), reason };
}
