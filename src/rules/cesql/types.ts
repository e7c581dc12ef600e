/**
 * The CESQL v1 type system (spec §3.1): three primitive types. A value's type is its JS type:
 * `boolean` is Boolean, `string` is String and `number` is Integer.
 *
 * Invariant: every `number` that is a `CesqlValue` is a 32-bit signed integer
 * (`Number.isInteger(n) && n === (n | 0)`). Arithmetic wraps to 32 bits (see operators.ts), casts
 * and literals reject anything outside the range, so no other number ever enters an evaluation.
 */
export type CesqlValue = boolean | number | string;

/** The name of a primitive type, as the spec writes it. */
export type CesqlType = 'Boolean' | 'Integer' | 'String';

/** A parameter type: a primitive, or `Any` for functions that take every type unchanged (INT, IS_BOOL…). */
export type CesqlParamType = CesqlType | 'Any';

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** The type of a value. */
export function typeOf(value: CesqlValue): CesqlType {
  switch (typeof value) {
    case 'boolean':
      return 'Boolean';
    case 'number':
      return 'Integer';
    default:
      return 'String';
  }
}

/** The zero value of a type (spec §3.1): what an operator or function returns when it errors. */
export function zeroOf(type: CesqlType): CesqlValue {
  switch (type) {
    case 'Boolean':
      return false;
    case 'Integer':
      return 0;
    case 'String':
      return '';
  }
}

/** True when `n` is an integer in the 32-bit signed range. */
export function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX;
}
