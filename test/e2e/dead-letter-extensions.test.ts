// A dead-letter copy carries its failure (docs/delivery.md#dead-letter-targets): the event sent to
// a dead-letter target has extensions with the error class, the last status, the message, the
// rule, the target and the attempt count — through a real server and real HTTP receivers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { STRUCTURED, call, ce } from './_client.js';
import { startTestServer, type TestServer } from './harness.js';
import { FAST_RETRY, putEvents, putRule, startReceiver, untilFinal } from './_delivery-receiver.js';

let t: TestServer;
before(async () => {
  t = await startTestServer({ delivery: { pollIntervalMs: 50 } });
});
after(async () => {
  await t.close();
});

test('dead-letter copy - carries the error class, last status, message, rule, target and attempts as extensions', async () => {
  const failing = await startReceiver(() => ({ status: 503, body: 'down for maintenance' }));
  const dlq = await startReceiver(() => ({ status: 200 }));
  try {
    await putRule(t.url, 'default', 'fragile', {
      filter: { pattern: { type: ['dl.ext'] } },
      targets: [{ id: 'hook', kind: 'http', url: `${failing.url}/h`, retry: { ...FAST_RETRY, maxAttempts: 3 }, deadLetter: { kind: 'http', url: `${dlq.url}/dlq`, mode: 'structured' } }],
    });
    // sent as text: a JS number cannot hold 9007199254740993
    const put = await call(t.url, '/v1/buses/default/events', {
      body: '{"specversion":"1.0","id":"dl-1","source":"urn:e2e","type":"dl.ext","data":{"big":9007199254740993}}', headers: { 'content-type': STRUCTURED },
    });
    assert.equal(put.status, 202, put.text);
    await dlq.until('the dead-letter copy', (rs) => rs.length === 1);
    const body = dlq.requests[0]!.body;
    const copy = JSON.parse(body) as Record<string, unknown>;
    assert.equal(copy.id, 'dl-1');
    assert.equal(copy.swyerrorclass, 'http');
    assert.equal(copy.swyerrorstatus, 503);
    assert.equal(copy.swyerrormessage, 'HTTP 503');
    assert.equal(copy.swyerrorrule, 'fragile');
    assert.equal(copy.swyerrortarget, 'hook');
    assert.equal(copy.swyerrorattempts, 4, 'the first attempt and 3 retries');
    assert.match(body, /"data":\{"big":9007199254740993\}/, 'the data is kept byte-exact');
    assert.equal(failing.requests.length, 4);
    await untilFinal(t.url, 'default', 'dl-1', 'dead');
  } finally {
    await failing.close();
    await dlq.close();
  }
});

test('dead-letter copy - in binary mode the failure travels as ce- headers; a network failure has no status', async () => {
  const dlq = await startReceiver(() => ({ status: 200 }));
  try {
    await putRule(t.url, 'default', 'unreachable', {
      filter: { pattern: { type: ['dl.net'] } },
      targets: [{ id: 'gone', kind: 'http', url: 'http://127.0.0.1:1/nothing', retry: { ...FAST_RETRY, maxAttempts: 2 }, deadLetter: { kind: 'http', url: `${dlq.url}/dlq` } }],
    });
    await putEvents(t.url, 'default', [ce('dl-2', { type: 'dl.net' })]);
    await dlq.until('the dead-letter copy', (rs) => rs.length === 1);
    const h = dlq.requests[0]!.headers;
    assert.equal(h['ce-id'], 'dl-2');
    assert.equal(h['ce-swyerrorclass'], 'network');
    assert.equal(h['ce-swyerrorstatus'], undefined);
    assert.match(decodeURIComponent(String(h['ce-swyerrormessage'])), /ECONNREFUSED/);
    assert.equal(h['ce-swyerrorrule'], 'unreachable');
    assert.equal(h['ce-swyerrortarget'], 'gone');
    assert.equal(h['ce-swyerrorattempts'], '3');
  } finally {
    await dlq.close();
  }
});
