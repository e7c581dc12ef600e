// Property tests: the fast number parser (parseNumberText) agrees with the definition: value
// = Number(text) (with -0 as 0), exactness = printing the double (exactByPrinting), grammar =
// the RFC 8259 regex (isNumberText).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { exactByPrinting, exactnessByArithmetic, isNumberText, numberInfo, numberInfoOfValue, parseNumberText } from './number.js';

const digits = (min: number, max: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));
/** Grammatical literals: sign, integer part, optional fraction and exponent of any length. */
const literal = fc
  .tuple(
    fc.boolean(),
    fc.oneof(fc.constant('0'), fc.tuple(fc.constantFrom(...'123456789'), digits(0, 20)).map(([a, b]) => a + b)),
    fc.option(digits(1, 22)),
    fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.oneof(digits(1, 2), digits(1, 4)))),
  )
  .map(([neg, int, frac, exp]) => `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : exp.join('')}`);
/** Short literals: the fast path's territory (at most 15 digits, small exponents) and its edges. */
const short = fc
  .tuple(fc.boolean(), fc.oneof(fc.constant('0'), fc.tuple(fc.constantFrom(...'123456789'), digits(0, 9)).map(([a, b]) => a + b)), fc.option(digits(1, 9)), fc.option(fc.integer({ min: -30, max: 30 })))
  .map(([neg, int, frac, exp]) => `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : `e${exp}`}`);
/** Texts of doubles as printers write them (shortest, fixed precision, exponent forms). */
const printed = fc
  .tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 1, max: 21 }))
  .chain(([d, p]) => fc.constantFrom(String(d), d.toPrecision(p), d.toExponential(Math.min(p, 20)), Math.abs(d) < 1e21 ? d.toFixed(Math.min(p, 20)) : String(d)))
  .filter(isNumberText);
/** 16 and 17 digit literals next to a double's own digits (the arithmetic exactness path):
 * its correctly rounded digits with the last one moved by -3..3, in plain and exponent forms. */
const nearDouble = fc
  .tuple(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: 1e-7, max: 1e17 }), fc.double({ min: -200, max: 200, noNaN: true })), fc.constantFrom(16, 17), fc.integer({ min: -3, max: 3 }))
  .map(([d, p, k]) => {
    const [mant, exp] = d.toExponential(p - 1).split('e') as [string, string];
    const digitsOnly = mant.replace('-', '').replace('.', '');
    const last = Number(digitsOnly.at(-1)) + k;
    if (last < 0 || last > 9) return String(d);
    const moved = digitsOnly.slice(0, -1) + String(last);
    return `${d < 0 ? '-' : ''}${moved[0]}.${moved.slice(1)}e${exp}`;
  });
const EDGES = [
  '0', '-0', '-0.0', '0e400', '0.000', '9007199254740993', '9007199254740992', '0.10000000000000001', '0.1', '1e400', '-1e400', '1e-400',
  '1e22', '1e23', '123456789012345', '1234567890123456', '12345678901234567', '0.000001', '1e-22', '123456789012345e-22', '5e-324',
  '2.2250738585072014e-308', '1.7976931348623157e308', '100000000000000000000000', '3e0', '3.0', '1E+2', '-122.508525846854',
  '37.712765357099315', '-122.50847422660772', '9.999999999999999', '9.9999999999999999', '1.0000000000000001', '0.30000000000000004',
  '4.35', '1.7976931348623157e308', '4503599627370496.5', '4503599627370497', '2251799813685248.25', '1125899906842624.125',
];

function agrees(text: string): void {
  const info = parseNumberText(text, 0, text.length);
  assert.ok(info !== undefined, text);
  const n = Number(text);
  const want = n === 0 ? 0 : n;
  assert.ok(Object.is(info.value, want), `${text}: value ${info.value} vs ${want}`);
  assert.equal(info.exact, exactByPrinting(text, n), `${text}: exactness`);
  assert.equal(info.text, text);
  // Inside a longer text, the same answer.
  const inside = parseNumberText(`[${text},`, 1, text.length + 1);
  assert.ok(inside !== undefined && Object.is(inside.value, want) && inside.exact === info.exact && inside.text === text);
}

test('numbers - the fast parser agrees with Number() and exactness by printing on generated literals', () => {
  for (const t of EDGES) agrees(t);
  fc.assert(fc.property(fc.oneof(literal, short, printed, nearDouble, nearDouble.map((t) => String(Number(t)))), agrees), { numRuns: 40000 });
});

test('numbers - the fast parser accepts exactly the JSON number grammar', () => {
  const junk = fc.array(fc.constantFrom(...'0123456789-+.eEx '), { minLength: 0, maxLength: 8 }).map((c) => c.join(''));
  fc.assert(
    fc.property(fc.oneof(junk, literal), (text) => {
      assert.equal(parseNumberText(text, 0, text.length) !== undefined, isNumberText(text), text);
    }),
    { numRuns: 20000 },
  );
});

test('numbers - fast-path exactness: up to 15 significant digits is exact, 2^53+1 and 0.10000000000000001 are not', () => {
  assert.equal(numberInfo('123456789012345').exact, true);
  assert.equal(numberInfo('-1.23456789012345e-7').exact, true);
  assert.equal(numberInfo('9007199254740993').exact, false);
  assert.equal(numberInfo('0.10000000000000001').exact, false);
  assert.equal(numberInfo('1e400').exact, false);
  assert.equal(numberInfo('-0.0e5').value, 0);
  assert.equal(numberInfoOfValue(-0).text, '0');
  assert.equal(numberInfoOfValue(2.5).text, '2.5');
});

test('numbers - exactness by arithmetic (16 and 17 digits) decides as printing does, or leaves it to printing', () => {
  // Corpus-like coordinates are decided without printing: 1 exact, 2 inexact.
  assert.equal(exactnessByArithmetic('-122.50847422660772', -122.50847422660772), 1);
  assert.equal(exactnessByArithmetic('37.712765357099315', 37.712765357099315), 1);
  assert.equal(exactnessByArithmetic('0.10000000000000001', 0.1), 2);
  assert.equal(exactnessByArithmetic('9007199254740997', Number('9007199254740997')), 2);
  let decided = 0;
  fc.assert(
    fc.property(nearDouble, (text) => {
      const v = Number(text);
      const fast = exactnessByArithmetic(text, v);
      if (fast !== 0) {
        decided++;
        assert.equal(fast === 1, exactByPrinting(text, v), text);
      }
    }),
    { numRuns: 40000 },
  );
  assert.ok(decided > 10000, `decided ${decided} of 40000`);
});
