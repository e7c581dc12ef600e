import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAbsoluteUri, checkAttributeName, checkInteger, checkString, checkTimestamp, checkUriReference } from './attribute-types.js';

const ok = (r: string | undefined, what: string): void => assert.equal(r, undefined, what);
const bad = (r: string | undefined, what: string): void => assert.equal(typeof r, 'string', `${what} should be refused`);

test('attribute types - String refuses controls, noncharacters and lone surrogates, accepts pairs', () => {
  for (const s of ['', 'plain', 'Euro € 😀', '\uD800\uDEAD', 'tab-free', '\u00A0nbsp', '\uFFFD']) ok(checkString(s), JSON.stringify(s));
  for (const s of ['a\u0000', 'line\nbreak', 'cr\r', '\u007F', '\u0085', '\u009F', '\uDEAD', 'x\uD800', '\uFDD0', '\uFFFE', '\uFFFF', '\uD83F\uDFFE']) bad(checkString(s), JSON.stringify(s));
  assert.match(checkString('ab\uDEAD') ?? '', /lone surrogate U\+DEAD at index 2/);
});

test('attribute types - URI-reference per RFC 3986', () => {
  const valid = ['https://cloudevents.io', '/mycontext', '#fragment', '1-555-123-4567', 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66', 'mailto:a@b.c', '//authority/path', 'a%20b', '?q=1', 'http://[::1]:8080/x', './a:b', "a/b;c=d!$&'()*+,"];
  for (const s of valid) ok(checkUriReference(s), s);
  const invalid = ['has space', 'a%2', '%zz', 'a#b#c', 'é', 'a:b/c'.replace('a:', '1:'), 'x[1]', 'http://a/[x]', 'a"b', 'a<b', 'ab\\c'];
  for (const s of invalid) bad(checkUriReference(s), s);
});

test('attribute types - URI needs a scheme', () => {
  ok(checkAbsoluteUri('https://cloudevents.io/dataschema'), 'https');
  ok(checkAbsoluteUri('urn:example:schema'), 'urn');
  bad(checkAbsoluteUri('/relative'), 'relative');
  bad(checkAbsoluteUri('#frag'), 'fragment only');
  bad(checkAbsoluteUri('http://a b'), 'space');
});

test('attribute types - RFC 3339 timestamps', () => {
  const valid = ['2018-04-05T17:31:00Z', '2018-04-05T17:31:00.000000000Z', '2018-04-05T18:31:00+01:00', '2018-04-05t16:31:00-01:00', '2020-02-29T00:00:00z', '2016-12-31T23:59:60Z', '0001-01-01T00:00:00Z'];
  for (const s of valid) ok(checkTimestamp(s), s);
  const invalid = ['lunchtime', '2018-04-05T18:31Z', '2018-04-05T18:31:00X', '2018-04-05T18:31:00+25:00', '2018-04-05T18:31:00+xx:00', '2018-04-05T18:31:00+05', '2018-04-05', '2019-02-29T00:00:00Z', '2018-13-01T00:00:00Z', '2018-04-31T00:00:00Z', '2018-04-05T24:00:00Z', '2018-04-05T23:60:00Z', '2018-04-05T23:59:61Z', '2018-04-05T17:31:00.Z', '2018-04-05 17:31:00Z', ' 2018-04-05T17:31:00Z', '2018-04-05T17:31:00+01:60'];
  for (const s of invalid) bad(checkTimestamp(s), s);
});

test('attribute types - Integer is 32-bit signed, written without fraction or exponent', () => {
  for (const [n, lit] of [[0, '0'], [-0, '-0'], [10, '10'], [-2147483648, '-2147483648'], [2147483647, '2147483647']] as const) ok(checkInteger(n, lit), lit);
  for (const [n, lit] of [[1.5, '1.5'], [10, '10.0'], [10, '1e1'], [2147483648, '2147483648'], [-2147483649, '-2147483649'], [1, '01']] as const) bad(checkInteger(n, lit), lit);
  bad(checkInteger(1.5), 'no literal');
  ok(checkInteger(7), 'no literal');
});

test('attribute types - names are lower-case a-z0-9, at most 64 characters, never "data" or "constructor"', () => {
  for (const s of ['a', 'comexampleextension1', 'traceparent', 'x'.repeat(64)]) ok(checkAttributeName(s), s);
  for (const s of ['', 'MyExtension', 'my.extension', 'my_ext', '__proto__', 'constructor', 'data', 'x'.repeat(65), 'é']) bad(checkAttributeName(s), s);
});
