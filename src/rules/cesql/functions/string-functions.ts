import type { CesqlFunction } from './function.js';

/**
 * The built-in String functions (spec §3.5.1). Lengths and positions count Unicode code points,
 * not UTF-16 units, so 'é' and '😀' are one character each.
 */
export const stringFunctions: readonly CesqlFunction[] = [
  { name: 'LENGTH', params: ['String'], returns: 'Integer', impl: ([x]) => chars(x as string).length },
  { name: 'CONCAT', params: [], variadic: 'String', returns: 'String', impl: (xs) => xs.join('') },
  {
    name: 'CONCAT_WS',
    params: ['String'],
    variadic: 'String',
    returns: 'String',
    impl: ([delimiter, ...xs]) => xs.join(delimiter as string),
  },
  { name: 'LOWER', params: ['String'], returns: 'String', impl: ([x]) => (x as string).toLowerCase() },
  { name: 'UPPER', params: ['String'], returns: 'String', impl: ([x]) => (x as string).toUpperCase() },
  // "whitespace as defined by unicode": the White_Space property, not JS trim()'s set (which
  // includes U+FEFF and leaves U+0085 alone).
  { name: 'TRIM', params: ['String'], returns: 'String', impl: ([x]) => (x as string).replace(UNICODE_EDGE_SPACE, '') },
  {
    name: 'LEFT',
    params: ['String', 'Integer'],
    returns: 'String',
    impl: ([x, y]) => {
      const n = y as number;
      if (n < 0) return { value: x as string, error: `LEFT: length ${n} is negative` };
      return chars(x as string).slice(0, n).join('');
    },
  },
  {
    name: 'RIGHT',
    params: ['String', 'Integer'],
    returns: 'String',
    impl: ([x, y]) => {
      const n = y as number;
      if (n < 0) return { value: x as string, error: `RIGHT: length ${n} is negative` };
      const cs = chars(x as string);
      return cs.slice(Math.max(0, cs.length - n)).join('');
    },
  },
  {
    name: 'SUBSTRING',
    params: ['String', 'Integer'],
    returns: 'String',
    impl: ([x, pos]) => substring(x as string, pos as number, undefined),
  },
  {
    name: 'SUBSTRING',
    params: ['String', 'Integer', 'Integer'],
    returns: 'String',
    impl: ([x, pos, len]) => substring(x as string, pos as number, len as number),
  },
];

const UNICODE_EDGE_SPACE = /^\p{White_Space}+|\p{White_Space}+$/gu;

function chars(s: string): string[] {
  return Array.from(s);
}

/**
 * SUBSTRING: `pos` counts from 1, or from the end when negative; 0 gives ''. A `pos` beyond
 * either end or a negative `len` gives '' and an error; a `len` past the end is clipped.
 */
function substring(x: string, pos: number, len: number | undefined) {
  const cs = chars(x);
  if (pos > cs.length || pos < -cs.length) {
    return { value: '', error: `SUBSTRING: position ${pos} is outside a string of length ${cs.length}` };
  }
  if (len !== undefined && len < 0) return { value: '', error: `SUBSTRING: length ${len} is negative` };
  if (pos === 0) return '';
  const start = pos > 0 ? pos - 1 : cs.length + pos;
  return cs.slice(start, len === undefined ? undefined : start + len).join('');
}
