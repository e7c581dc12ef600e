import { INT32_MAX, INT32_MIN } from '../types.js';
import type { CesqlFunction } from './function.js';

/** The built-in math function (spec §3.5.2). */
export const mathFunctions: readonly CesqlFunction[] = [
  {
    name: 'ABS',
    params: ['Integer'],
    returns: 'Integer',
    impl: ([x]) => {
      const n = x as number;
      // |−2^31| is not a 32-bit integer: the spec saturates to 2^31−1 and raises a MathError.
      if (n === INT32_MIN) return { value: INT32_MAX, error: 'ABS(-2147483648) overflows a 32-bit integer', errorKind: 'math' };
      return Math.abs(n);
    },
  },
];
