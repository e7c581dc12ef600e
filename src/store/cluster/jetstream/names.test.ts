import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamNames, busFromToken, busToken, hashToken } from './names.js';

test('stream names - a bus name outside [A-Za-z0-9_-] is hex-encoded; the two forms never collide and both read back', () => {
  for (const bus of ['orders', 'a-b_c', 'a.b', 'x_61', '>', '*', 'a b', 'ünï', 'b_x', '']) {
    const token = busToken(bus);
    assert.match(token, /^[A-Za-z0-9_-]+$/, `token of ${JSON.stringify(bus)}`);
    assert.equal(busFromToken(token), bus);
  }
  assert.notEqual(busToken('x_61'), busToken('a'));
});

test('stream names - subjects carry fixed-length hashes of source and id, whatever their text', () => {
  const n = new StreamNames('T1');
  const subject = n.subject('a.b', 'urn:x y.z*>', 'id with spaces.and>dots');
  const tokens = subject.split('.');
  assert.equal(tokens.length, 4);
  assert.deepEqual(tokens.slice(2), [hashToken('urn:x y.z*>'), hashToken('id with spaces.and>dots')]);
  assert.equal(n.idSubjects('a.b', 'id with spaces.and>dots'), `T1.${busToken('a.b')}.*.${tokens[3]}`);
  assert.equal(n.busOfStream(n.stream('a.b')), 'a.b');
  assert.equal(n.busOfStream('OTHER_b_x'), undefined);
  assert.equal(n.msgId('s', 'i').length, 43);
  assert.notEqual(n.msgId('ab', 'c'), n.msgId('a', 'bc'), 'the (source, id) pair is delimited');
  assert.throws(() => new StreamNames('bad.prefix'));
});
