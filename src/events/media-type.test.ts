import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isJsonMediaType, isTextMediaType, isUtf8Charset, parseMediaType } from './media-type.js';

test('media type - parses type, subtype and parameters; refuses non-media-types', () => {
  const mt = parseMediaType('Application/JSON ; Charset="UTF-8";  q=0.5');
  assert.equal(mt?.essence, 'application/json');
  assert.equal(mt?.params.get('charset'), 'UTF-8');
  assert.equal(mt?.params.get('q'), '0.5');
  assert.equal(parseMediaType('text/plain;')?.essence, 'text/plain');
  assert.equal(parseMediaType('text/plain; a="q\\"uoted"')?.params.get('a'), 'q"uoted');
  for (const s of ['', 'xyz', 'text/', '/plain', 'text/plain; charset', 'text/plain; =x', 'te xt/plain', 'text/plain; a="unterminated']) {
    assert.equal(parseMediaType(s), undefined, s);
  }
});

test('media type - JSON is */json or */*+json; text types; UTF-8 charsets', () => {
  const j = (s: string): boolean => isJsonMediaType(parseMediaType(s)!);
  assert.ok(j('application/json') && j('text/json') && j('application/cloudevents+json') && j('application/vnd.x+json; v=1'));
  assert.ok(!j('application/jsonx') && !j('text/plain') && !j('application/json-seq'));
  const t = (s: string): boolean => isTextMediaType(parseMediaType(s)!);
  assert.ok(t('text/plain') && t('text/csv') && t('application/xml') && t('application/atom+xml') && t('application/x-www-form-urlencoded'));
  assert.ok(!t('application/octet-stream') && !t('image/png'));
  const u = (s: string): boolean => isUtf8Charset(parseMediaType(s)!);
  assert.ok(u('text/plain') && u('text/plain; charset=utf-8') && u('text/plain; charset=UTF8') && u('text/plain; charset=us-ascii'));
  assert.ok(!u('text/plain; charset=iso-8859-1') && !u('application/json; charset=utf-16'));
});
