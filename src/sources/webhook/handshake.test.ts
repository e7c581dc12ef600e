import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handshake } from './handshake.js';

test('handshake - WebHook-Request-Origin is allowed back; a rate asked is answered; no origin is no handshake', () => {
  assert.deepEqual(handshake({ 'webhook-request-origin': 'eventemitter.example.com' })?.headers, { 'webhook-allowed-origin': 'eventemitter.example.com', allow: 'POST, OPTIONS' });
  assert.equal(handshake({ 'webhook-request-origin': 'a.example', 'webhook-request-rate': '120' })?.headers['webhook-allowed-rate'], '*');
  assert.equal(handshake({ 'webhook-request-origin': 'a.example', 'webhook-request-rate': '120' }, 60)?.headers['webhook-allowed-rate'], '60');
  assert.equal(handshake({}), undefined);
  assert.equal(handshake({ 'webhook-request-origin': 'bad origin\u0000' }), undefined);
  assert.equal(handshake({ 'webhook-request-origin': 'x'.repeat(300) }), undefined);
});
