import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED, redactExcerpt } from './redact.js';

test('redact - the request\'s own credentials are removed wherever they are echoed, in every encoding', () => {
  const key = 'k3y w/ spaces&more';
  const text = `raw=${key} url=${encodeURIComponent(key)} form=${encodeURIComponent(key).replace(/%20/g, '+')}`;
  assert.equal(redactExcerpt(text, [key]), `raw=${REDACTED} url=${REDACTED} form=${REDACTED}`);
  // An Authorization value also goes without its scheme (a receiver may print just the credentials).
  const basic = `Basic ${Buffer.from('user:pa55word').toString('base64')}`;
  assert.equal(redactExcerpt(`creds ${basic.slice(6)}`, [basic]), `creds ${REDACTED}`);
  // A secret cut off by the excerpt limit: its beginning at the end of the text goes too.
  assert.equal(redactExcerpt('... echo: sup3r-secr', ['sup3r-secret-value']), `... echo: ${REDACTED}`);
  // Very short secrets are not searched by value (they would blank out ordinary text).
  assert.equal(redactExcerpt('a value v', ['v']), 'a value v');
});

test('redact - credential-named fields, bearer tokens and JWTs are removed without knowing the values', () => {
  const jsonEcho = '{"headers":{"host":"x","authorization":"Bearer abcdefgh12345","cookie":"sid=1; theme=dark","x-api-key":"zzz","user-agent":"u"}}';
  assert.equal(redactExcerpt(jsonEcho), `{"headers":{"host":"x","authorization":"${REDACTED}","cookie":"${REDACTED}","x-api-key":"${REDACTED}","user-agent":"u"}}`);
  const dump = 'POST /hook HTTP/1.1\r\nHost: x\r\nAuthorization: Basic dXNlcjpwYXNz\r\nCookie: sid=1\r\nSet-Cookie: a=b; Expires=Wed, 21 Oct 2026 07:28:00 GMT\r\nProxy-Authorization: Digest x\r\n\r\n';
  assert.equal(redactExcerpt(dump), `POST /hook HTTP/1.1\r\nHost: x\r\nAuthorization: ${REDACTED}\r\nCookie: ${REDACTED}\r\nSet-Cookie: ${REDACTED}\r\nProxy-Authorization: ${REDACTED}\r\n\r\n`);
  assert.equal(redactExcerpt('GET /cb?access_token=abc123&x=1'), `GET /cb?access_token=${REDACTED}&x=1`);
  assert.equal(redactExcerpt('token rejected: bearer 0123456789abcdef.ghi'), `token rejected: bearer ${REDACTED}`);
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl';
  assert.equal(redactExcerpt(`bad token ${jwt}!`), `bad token ${REDACTED}!`);
  // A quoted value cut by the limit is still removed; ordinary text stays.
  assert.equal(redactExcerpt('{"authorization":"Bearer abcdefgh'), `{"authorization":"${REDACTED}`);
  assert.equal(redactExcerpt('{"error":"order 17 is invalid","hint":"Bearer token required"}'), '{"error":"order 17 is invalid","hint":"Bearer token required"}');
  assert.equal(redactExcerpt(''), '');
});
