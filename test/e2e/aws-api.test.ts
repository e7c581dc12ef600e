// The AWS EventBridge API (docs/aws-compatibility.md) driven by the real @aws-sdk/client-eventbridge,
// its endpoint the in-process test server: every operation, an AWS pattern on `detail` routing a
// PutEvents event to a real HTTP receiver, SigV4, and hostile inputs answered AWS-style.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventBridgeServiceException} from '@aws-sdk/client-eventbridge';
import {
  CreateEventBusCommand, DeleteEventBusCommand, DeleteRuleCommand, DescribeEventBusCommand, DescribeRuleCommand,
  DisableRuleCommand, EnableRuleCommand, EventBridgeClient, ListEventBusesCommand, ListRulesCommand,
  ListTargetsByRuleCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand, TestEventPatternCommand,
  ResourceNotFoundException
} from '@aws-sdk/client-eventbridge';
import { startTestServer, type TestServer } from './harness.js';
import { startReceiver } from './_delivery-receiver.js';
import { call } from './_client.js';

const KEY_ID = 'AKIASWITCHYARDTEST01';
const SECRET = 'switchyard-test-secret-access-key-0001';

function client(url: string, credentials = { accessKeyId: KEY_ID, secretAccessKey: SECRET }): EventBridgeClient {
  return new EventBridgeClient({ endpoint: url, region: 'eu-west-1', credentials, maxAttempts: 1 });
}

/** A raw JSON 1.1 call (no SDK), for inputs the SDK would never send. */
async function raw(url: string, target: string | undefined, body: string, contentType = 'application/x-amz-json-1.1'): Promise<{ status: number; type: string | null; body: { __type?: string; message?: string } }> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (target !== undefined) headers['x-amz-target'] = target;
  const res = await fetch(`${url}/`, { method: 'POST', headers, body });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() as { __type?: string } };
}

describe('aws api - loopback, no access keys (unsigned calls allowed)', () => {
  let t: TestServer;
  let eb: EventBridgeClient;
  before(async () => {
    t = await startTestServer({ delivery: { pollIntervalMs: 50 }, aws: { account: '123456789012', region: 'eu-west-1' } });
    eb = client(t.url);
  });
  after(async () => {
    eb.destroy();
    await t.close();
  });

  test('aws api - event buses: create, describe, list with prefix and paging, delete', async () => {
    const created = await eb.send(new CreateEventBusCommand({ Name: 'orders', Description: 'shop orders' }));
    assert.equal(created.EventBusArn, 'arn:aws:events:eu-west-1:123456789012:event-bus/orders');
    await eb.send(new CreateEventBusCommand({ Name: 'orders-eu' }));
    const d = await eb.send(new DescribeEventBusCommand({ Name: 'orders' }));
    assert.equal(d.Name, 'orders');
    assert.equal(d.Description, 'shop orders');
    assert.ok(d.CreationTime instanceof Date);
    const p1 = await eb.send(new ListEventBusesCommand({ NamePrefix: 'orders', Limit: 1 }));
    assert.deepEqual(p1.EventBuses?.map((b) => b.Name), ['orders']);
    assert.ok(p1.NextToken !== undefined);
    const p2 = await eb.send(new ListEventBusesCommand({ NamePrefix: 'orders', Limit: 1, NextToken: p1.NextToken }));
    assert.deepEqual(p2.EventBuses?.map((b) => b.Name), ['orders-eu']);
    assert.equal(p2.NextToken, undefined);
    await assert.rejects(eb.send(new CreateEventBusCommand({ Name: 'orders' })), (e: EventBridgeServiceException) => e.name === 'ResourceAlreadyExistsException');
    await eb.send(new DeleteEventBusCommand({ Name: 'orders-eu' }));
    await assert.rejects(eb.send(new DescribeEventBusCommand({ Name: 'orders-eu' })), (e) => e instanceof ResourceNotFoundException);
    await assert.rejects(eb.send(new DeleteEventBusCommand({ Name: 'default' })), (e: EventBridgeServiceException) => e.name === 'ValidationException' && e.$metadata.httpStatusCode === 400);
  });

  test('aws api - rules: put, describe, list with prefix and paging, enable, disable, delete (refused while it has targets)', async () => {
    const pattern = JSON.stringify({ source: ['shop'], 'detail-type': ['Order Placed'] });
    const put = await eb.send(new PutRuleCommand({ Name: 'r-a', EventPattern: pattern, Description: 'first' }));
    assert.equal(put.RuleArn, 'arn:aws:events:eu-west-1:123456789012:rule/r-a');
    await eb.send(new PutRuleCommand({ Name: 'r-b', EventPattern: pattern, State: 'DISABLED' }));
    const d = await eb.send(new DescribeRuleCommand({ Name: 'r-a' }));
    assert.equal(d.EventPattern, pattern);
    assert.equal(d.State, 'ENABLED');
    assert.equal(d.Description, 'first');
    assert.equal(d.EventBusName, 'default');
    const l1 = await eb.send(new ListRulesCommand({ NamePrefix: 'r-', Limit: 1 }));
    assert.deepEqual(l1.Rules?.map((r) => [r.Name, r.State]), [['r-a', 'ENABLED']]);
    const l2 = await eb.send(new ListRulesCommand({ NamePrefix: 'r-', Limit: 1, NextToken: l1.NextToken }));
    assert.deepEqual(l2.Rules?.map((r) => [r.Name, r.State]), [['r-b', 'DISABLED']]);
    await eb.send(new EnableRuleCommand({ Name: 'r-b' }));
    assert.equal((await eb.send(new DescribeRuleCommand({ Name: 'r-b' }))).State, 'ENABLED');
    await eb.send(new DisableRuleCommand({ Name: 'r-b' }));
    assert.equal((await eb.send(new DescribeRuleCommand({ Name: 'r-b' }))).State, 'DISABLED');
    // The rule is a Switchyard rule: the REST API shows it, with the AWS envelope.
    const rest = (await call<{ filter: unknown; state: string }>(t.url, '/v1/buses/default/rules/r-b')).json;
    assert.deepEqual(rest.filter, { patternText: pattern, envelope: 'aws' });
    await eb.send(new PutTargetsCommand({ Rule: 'r-a', Targets: [{ Id: 'copy', Arn: 'arn:aws:events:eu-west-1:123456789012:event-bus/orders' }] }));
    await assert.rejects(eb.send(new DeleteRuleCommand({ Name: 'r-a' })), (e: EventBridgeServiceException) => e.name === 'ValidationException');
    await eb.send(new DeleteRuleCommand({ Name: 'r-a', Force: true }));
    await assert.rejects(eb.send(new DescribeRuleCommand({ Name: 'r-a' })), (e) => e instanceof ResourceNotFoundException);
    await eb.send(new DeleteRuleCommand({ Name: 'r-b' }));
    await assert.rejects(eb.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source":"not-an-array"}' })), (e: EventBridgeServiceException) => e.name === 'InvalidEventPatternException');
    await assert.rejects(eb.send(new PutRuleCommand({ Name: 'sched', ScheduleExpression: 'rate(5 minutes)' })), (e: EventBridgeServiceException) => e.name === 'ValidationException');
    await assert.rejects(eb.send(new PutRuleCommand({ Name: 'x', EventPattern: '{}', EventBusName: 'nope' })), (e) => e instanceof ResourceNotFoundException);
  });

  test('aws api - targets: put (bus, API destination URL with Input forms, retry and dead letter), list with AWS paths back, remove', async () => {
    await eb.send(new PutRuleCommand({ Name: 't-rule', EventPattern: '{"source":["shop"]}' }));
    const res = await eb.send(new PutTargetsCommand({
      Rule: 't-rule',
      Targets: [
        { Id: 'to-bus', Arn: 'arn:aws:events:eu-west-1:123456789012:event-bus/orders', RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 } },
        { Id: 'hook', Arn: 'https://hooks.example.com/in', InputPath: '$.detail.order', DeadLetterConfig: { Arn: 'arn:aws:events:eu-west-1:123456789012:event-bus/orders' } },
        { Id: 'tpl', Arn: 'https://hooks.example.com/tpl', InputTransformer: { InputPathsMap: { t: '$.detail-type', n: '$.detail.n' }, InputTemplate: '{"type": <t>, "n": <n>}' } },
        { Id: 'sqs', Arn: 'arn:aws:sqs:eu-west-1:123456789012:q' },
      ],
    }));
    assert.equal(res.FailedEntryCount, 1);
    assert.equal(res.FailedEntries?.[0]?.TargetId, 'sqs');
    assert.equal(res.FailedEntries?.[0]?.ErrorCode, 'ValidationException');
    const rest = (await call<{ targets: Record<string, unknown>[] }>(t.url, '/v1/buses/default/rules/t-rule')).json;
    assert.deepEqual(rest.targets.find((x) => x['id'] === 'hook'), { id: 'hook', kind: 'http', url: 'https://hooks.example.com/in', transform: { InputPath: '$.data.order' }, deadLetter: { kind: 'bus', bus: 'orders' } });
    assert.deepEqual(rest.targets.find((x) => x['id'] === 'to-bus'), { id: 'to-bus', kind: 'bus', bus: 'orders', retry: { maxAttempts: 3, maxAgeMs: 600000 } });
    const listed = await eb.send(new ListTargetsByRuleCommand({ Rule: 't-rule' }));
    assert.deepEqual(listed.Targets?.map((x) => x.Id), ['hook', 'to-bus', 'tpl']);
    assert.equal(listed.Targets?.[0]?.InputPath, '$.detail.order');
    assert.deepEqual(listed.Targets?.[2]?.InputTransformer?.InputPathsMap, { t: '$.detail-type', n: '$.detail.n' });
    assert.equal(listed.Targets?.[1]?.RetryPolicy?.MaximumEventAgeInSeconds, 600);
    await eb.send(new RemoveTargetsCommand({ Rule: 't-rule', Ids: ['hook', 'tpl'] }));
    assert.deepEqual((await eb.send(new ListTargetsByRuleCommand({ Rule: 't-rule' }))).Targets?.map((x) => x.Id), ['to-bus']);
    // A target the rule routes refuse is refused here too (their checks run): an invalid retry budget.
    await assert.rejects(eb.send(new PutTargetsCommand({ Rule: 't-rule', Targets: [{ Id: 'r', Arn: 'https://h.example.com', RetryPolicy: { MaximumRetryAttempts: 1000 } }] })),
      (e: EventBridgeServiceException) => e.name === 'ValidationException' && /SWY_API_INVALID_TARGETS/.test(e.message));
  });

  test('aws api - a rule with an AWS pattern on detail routes a PutEvents event to a local HTTP receiver', async () => {
    const rx = await startReceiver(() => ({ status: 200 }));
    try {
      await eb.send(new PutRuleCommand({ Name: 'big-orders', EventPattern: JSON.stringify({ source: ['shop'], 'detail-type': ['Order Placed'], detail: { total: [{ numeric: ['>', 100] }] }, account: ['123456789012'], region: ['eu-west-1'], resources: ['arn:shop:order/2'] }) }));
      await eb.send(new PutTargetsCommand({ Rule: 'big-orders', Targets: [{ Id: 'rx', Arn: `${rx.url}/orders`, InputTransformer: { InputPathsMap: { total: '$.detail.total', kind: '$.detail-type' }, InputTemplate: '{"total": <total>, "kind": <kind>}' } }] }));
      const put = await eb.send(new PutEventsCommand({
        Entries: [
          { Source: 'shop', DetailType: 'Order Placed', Detail: JSON.stringify({ total: 50 }), Resources: ['arn:shop:order/1'] },
          { Source: 'shop', DetailType: 'Order Placed', Detail: JSON.stringify({ total: 250 }), Resources: ['arn:shop:order/2'], Time: new Date('2026-01-02T03:04:05Z') },
          { Source: 'shop', DetailType: 'Order Placed', Detail: '{not json' },
          { Source: 'shop', DetailType: 'Order Placed', Detail: '{}', EventBusName: 'nope' },
        ],
      }));
      assert.equal(put.FailedEntryCount, 2);
      assert.match(put.Entries?.[0]?.EventId ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(put.Entries?.[2]?.ErrorCode, 'MalformedDetail');
      assert.equal(put.Entries?.[3]?.ErrorCode, 'ResourceNotFoundException');
      await rx.until('the big order', (r) => r.length >= 1);
      assert.equal(rx.requests.length, 1);
      const small = (await call<{ matchedRules: string[] }>(t.url, `/v1/buses/default/events/${put.Entries?.[0]?.EventId ?? ''}`)).json;
      assert.ok(!small.matchedRules.includes('big-orders'), 'the order under 100 did not match big-orders');
      assert.deepEqual(JSON.parse(rx.requests[0]!.body), { total: 250, kind: 'Order Placed' });
      // Stored as a CloudEvent: type from DetailType, source from Source, data from Detail, the AWS-only fields as extensions.
      const id = put.Entries?.[1]?.EventId ?? '';
      const ev = (await call<{ items: { event: Record<string, unknown> }[] }>(t.url, `/v1/buses/default/events?type=${encodeURIComponent('Order Placed')}&limit=10`)).json;
      const stored = ev.items.map((i) => i.event).find((e) => e['id'] === id);
      assert.equal(stored?.['source'], 'shop');
      assert.equal(stored?.['time'], '2026-01-02T03:04:05Z');
      assert.deepEqual(stored?.['data'], { total: 250 });
      assert.equal(stored?.['awsaccount'], '123456789012');
      assert.equal(stored?.['awsresources'], '["arn:shop:order/2"]');
    } finally {
      await rx.close();
    }
  });

  test('aws api - PutEvents calls are timed in the ingest latency metric; other operations are not', async () => {
    const count = async (): Promise<number> => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('switchyard_ingest_duration_seconds_count{route="aws-put-events"}'));
      return line === undefined ? 0 : Number(line.split(' ').pop());
    };
    const before = await count();
    await eb.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Metered', Detail: '{}' }] }));
    await eb.send(new ListEventBusesCommand({}));
    assert.equal(await count() - before, 1);
  });

  test('aws api - TestEventPattern', async () => {
    const event = JSON.stringify({ id: '1', source: 'shop', 'detail-type': 'x', account: '1', region: 'eu-west-1', time: '2026-01-01T00:00:00Z', resources: [], detail: { n: 5 } });
    assert.equal((await eb.send(new TestEventPatternCommand({ EventPattern: '{"detail":{"n":[{"numeric":[">",1]}]}}', Event: event }))).Result, true);
    assert.equal((await eb.send(new TestEventPatternCommand({ EventPattern: '{"detail":{"n":[9]}}', Event: event }))).Result, false);
    await assert.rejects(eb.send(new TestEventPatternCommand({ EventPattern: '{"detail":5}', Event: event })), (e: EventBridgeServiceException) => e.name === 'InvalidEventPatternException');
  });

  test('aws api - hostile inputs are answered AWS-style with a 4xx', async () => {
    const cases: [string, () => ReturnType<typeof raw>, string][] = [
      ['bad JSON', () => raw(t.url, 'AWSEvents.ListRules', '{"Limit":'), 'SerializationException'],
      ['a body that is not an object', () => raw(t.url, 'AWSEvents.ListRules', '[1]'), 'SerializationException'],
      ['deep JSON', () => raw(t.url, 'AWSEvents.ListRules', '['.repeat(100000)), 'SerializationException'],
      ['an unknown target header', () => raw(t.url, 'AWSEvents.CreateApiDestination', '{}'), 'UnknownOperationException'],
      ['no target header', () => raw(t.url, undefined, '{}'), 'UnknownOperationException'],
      ['a prototype name as operation', () => raw(t.url, 'AWSEvents.constructor', '{}'), 'UnknownOperationException'],
      ['another content type', () => raw(t.url, 'AWSEvents.ListRules', '{}', 'text/plain'), 'SerializationException'],
      ['a wrong member type', () => raw(t.url, 'AWSEvents.ListRules', '{"Limit":"ten"}'), 'ValidationException'],
    ];
    for (const [what, p, type] of cases) {
      const r = await p();
      assert.equal(r.status, 400, what);
      assert.equal(r.body.__type, type, what);
      assert.equal(r.type, 'application/x-amz-json-1.1', what);
    }
    const tooBig = await raw(t.url, 'AWSEvents.PutEvents', JSON.stringify({ Entries: [{ Detail: 'x'.repeat(1024 * 1024 + 1) }] }));
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.body.__type, 'ValidationException');
    const entry = { Source: 'shop', DetailType: 'x', Detail: '{}' };
    await assert.rejects(eb.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry) })), (e: EventBridgeServiceException) => e.name === 'ValidationException' && e.$metadata.httpStatusCode === 400);
    await assert.rejects(eb.send(new PutEventsCommand({ Entries: [] })), (e: EventBridgeServiceException) => e.name === 'ValidationException');
    const big = JSON.stringify({ s: 'x'.repeat(200 * 1024) });
    await assert.rejects(eb.send(new PutEventsCommand({ Entries: [{ ...entry, Detail: big }, { ...entry, Detail: big }] })), (e: EventBridgeServiceException) => e.name === 'ValidationException' && /over the limit/.test(e.message));
    const mixed = await eb.send(new PutEventsCommand({ Entries: [{ Source: 'shop', Detail: '{}' }, { ...entry, Detail: '[1]' }, { ...entry, Source: 'has space' }, entry] }));
    assert.deepEqual(mixed.Entries?.map((e) => e.ErrorCode ?? 'ok'), ['InvalidArgument', 'MalformedDetail', 'InvalidArgument', 'ok']);
    await assert.rejects(eb.send(new PutEventsCommand({ Entries: [{ ...entry, EventBusName: 'switchyard.system' }] })).then((r) => {
      if (r.Entries?.[0]?.ErrorCode === 'AccessDeniedException') throw new Error('refused');
    }), /refused/);
  });
});

describe('aws api - SigV4 with configured access keys', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ auth: { awsAccessKeys: { [KEY_ID]: SECRET } } });
  });
  after(async () => {
    await t.close();
  });

  test('aws api - a call signed with a configured key is served; a wrong secret, an unknown key or no signature are refused', async () => {
    const ok = client(t.url);
    const wrong = client(t.url, { accessKeyId: KEY_ID, secretAccessKey: `${SECRET}-not` });
    const unknown = client(t.url, { accessKeyId: 'AKIAUNKNOWNKEY000001', secretAccessKey: SECRET });
    try {
      const buses = await ok.send(new ListEventBusesCommand({}));
      assert.ok(buses.EventBuses?.some((b) => b.Name === 'default'));
      const put = await ok.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'x', Detail: '{"a":1}' }] }));
      assert.equal(put.FailedEntryCount, 0);
      await assert.rejects(wrong.send(new ListEventBusesCommand({})), (e: EventBridgeServiceException) => e.name === 'InvalidSignatureException' && e.$metadata.httpStatusCode === 403);
      await assert.rejects(unknown.send(new ListEventBusesCommand({})), (e: EventBridgeServiceException) => e.name === 'UnrecognizedClientException');
      const r = await raw(t.url, 'AWSEvents.ListEventBuses', '{}');
      assert.equal(r.status, 403);
      assert.equal(r.body.__type, 'MissingAuthenticationTokenException');
    } finally {
      for (const c of [ok, wrong, unknown]) c.destroy();
    }
  });
});
