import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSwitchyardError } from '../core/index.js';
import { createEvent, type CreateEventFields } from './create.js';
import { eventSize } from './size.js';
import { eventJsonView } from './view.js';

const base = { id: '1', source: '/s', type: 't' };

test('create - builds a validated event; JSON data from a value or from exact text', () => {
  assert.deepEqual(createEvent({ ...base, data: { kind: 'json', value: { a: [1] } } }).data, { kind: 'json', value: { a: [1] }, text: '{"a":[1]}' });
  assert.deepEqual(createEvent({ ...base, data: { kind: 'json', text: ' 1.0 ' } }).data, { kind: 'json', value: 1, text: ' 1.0 ' });
  // Both given (the caller parsed the text already): the text verbatim, the value as given.
  assert.deepEqual(createEvent({ ...base, data: { kind: 'json', value: { a: 1 }, text: '{"a": 1.0}' } }).data, { kind: 'json', value: { a: 1 }, text: '{"a": 1.0}' });
  assert.deepEqual(createEvent(base), { specversion: '1.0', ...base, extensions: {}, data: { kind: 'none' } });
});

const bad: Array<[string, CreateEventFields, string[]]> = [
  ['empty id and bad time', { ...base, id: '', time: 'now' }, ['/id', '/time']],
  ['an extension named like a core attribute', { ...base, extensions: { subject: 'x', other: 'ok' } }, ['/subject']],
  ['an extension named constructor', { ...base, extensions: { constructor: 'x' } }, ['/constructor']],
  ['a bad extension name', { ...base, extensions: { Bad: 1 } }, ['/Bad']],
  ['text data without a text type', { ...base, data: { kind: 'text', text: 'x' } }, ['/datacontenttype']],
  ['JSON data with a text type', { ...base, datacontenttype: 'text/plain', data: { kind: 'json', value: 1 } }, ['/datacontenttype']],
  ['malformed JSON text', { ...base, data: { kind: 'json', text: '{' } }, ['/data']],
  ['a non-JSON value', { ...base, data: { kind: 'json', value: undefined as unknown as null } }, ['/data']],
];
for (const [name, fields, paths] of bad) {
  test(`create - refuses ${name}`, () => {
    assert.throws(
      () => createEvent(fields),
      (e) => isSwitchyardError(e) && e.code === 'SWY_EVENT_INVALID' && JSON.stringify(e.violations.map((v) => v.path)) === JSON.stringify(paths),
    );
  });
}

test('size - attribute names and values plus data bytes, never base64', () => {
  assert.equal(eventSize(createEvent(base)), 2 + 1 + 6 + 2 + 4 + 1 + 11 + 3);
  const ev = createEvent({ ...base, subject: 'é', extensions: { n: -12, b: true }, data: { kind: 'binary', bytes: new Uint8Array(10) } });
  assert.equal(eventSize(ev), 30 + 7 + 2 + 1 + 3 + 1 + 4 + 10);
  assert.equal(eventSize(createEvent({ ...base, data: { kind: 'json', text: ' [1] ' } })), 30 + 5);
});

test('view - attributes at top level, data as JSON value or string, binary absent', () => {
  const ext = { extensions: { n: 1 } };
  assert.deepEqual(eventJsonView(createEvent({ ...base, ...ext, data: { kind: 'json', value: { a: 1 } } })), { specversion: '1.0', ...base, n: 1, data: { a: 1 } });
  assert.deepEqual(eventJsonView(createEvent({ ...base, datacontenttype: 'text/plain', data: { kind: 'text', text: 'hi' } }))['data'], 'hi');
  assert.ok(!('data' in eventJsonView(createEvent({ ...base, data: { kind: 'binary', bytes: new Uint8Array(1) } }))));
});
