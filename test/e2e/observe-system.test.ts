// System events and delivery logs end to end: Switchyard's own CloudEvents on the
// `switchyard.system` bus reach an http target through an ordinary rule (with a template, as a
// Slack webhook would want them), and the server logs one structured line per failed attempt
// and per state change.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { SwitchyardServer } from '../../src/server/index.js';
import { call, ce, until } from './_client.js';
import { putEvents, putRule, startReceiver, untilFinal, type Receiver } from './_delivery-receiver.js';

interface LogLine { level: number; msg: string; bus?: string; rule?: string; target?: string; eventId?: string; sequence?: number; deliveryId?: number; status?: number; reason?: string; count?: number }
interface SystemEvent { type: string; source: string; subject: string; data: Record<string, unknown> }

describe('observe system events and logs e2e', () => {
  let server: SwitchyardServer;
  let dataDir: string;
  let base: string;
  let rx: Receiver;
  let sys: Receiver;
  const logs: LogLine[] = [];
  /** Per path: the status of the n-th request. */
  const scripts = new Map<string, (n: number) => number>();
  const counts = new Map<string, number>();

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'swy-e2e-'));
    const logStream = new PassThrough();
    let partial = '';
    logStream.on('data', (c: Buffer) => {
      const lines = (partial + c.toString()).split('\n');
      partial = lines.pop()!;
      for (const l of lines) if (l !== '') logs.push(JSON.parse(l) as LogLine);
    });
    const config = loadConfig({ overrides: {
      server: { port: 0 }, storage: { dataDir }, log: { level: 'debug' },
      delivery: { pollIntervalMs: 50, disableAfterMs: 1000 },
    } });
    server = new SwitchyardServer(config, { logStream });
    await server.start();
    base = server.url;
    rx = await startReceiver((r) => {
      const n = (counts.get(r.url) ?? 0) + 1;
      counts.set(r.url, n);
      return { status: scripts.get(r.url)?.(n) ?? 200 };
    });
    sys = await startReceiver(() => ({ status: 200 }));
    // An ordinary rule on the system bus, with a template as a chat webhook would take it.
    await putRule(base, 'switchyard.system', 'to-chat', {
      filter: { pattern: { source: ['/switchyard'], type: [{ prefix: 'switchyard.' }] } },
      targets: [{ id: 'chat', kind: 'http', url: sys.url, transform: { type: 'template', variables: { type: '$.type', subject: '$.subject' }, template: '{"text": "${type} on ${subject}"}' }, sendAs: 'body' }],
    });
  });
  after(async () => {
    await server.stop();
    await rx.close();
    await sys.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** System events the chat receiver got, as `type subject` texts. */
  const chat = (): string[] => sys.requests.map((r) => (JSON.parse(r.body) as { text: string }).text);
  const systemEvents = async (type: string): Promise<SystemEvent[]> => {
    const a = await call<{ items: { event: SystemEvent }[] }>(base, `/v1/buses/switchyard.system/events?type=${type}&limit=1000`);
    assert.equal(a.status, 200, a.text);
    return a.json.items.map((i) => i.event);
  };
  const fast = { baseMs: 10, capMs: 20 };

  test('system events - rule created, changed, disabled and deleted reach a rule on switchyard.system', async () => {
    await putRule(base, 'default', 'audit', { filter: { pattern: { type: ['x'] } } });
    await putRule(base, 'default', 'audit', { filter: { pattern: { type: ['y'] } } });
    assert.equal((await call(base, '/v1/buses/default/rules/audit/disable', { method: 'POST' })).status, 200);
    assert.equal((await call(base, '/v1/buses/default/rules/audit', { method: 'DELETE' })).status, 204);
    const want = [
      'switchyard.rule.created on buses/default/rules/audit',
      'switchyard.rule.changed on buses/default/rules/audit',
      'switchyard.rule.changed on buses/default/rules/audit',
      'switchyard.rule.deleted on buses/default/rules/audit',
    ];
    await until('four rule events delivered', () => chat().filter((t) => t.endsWith('rules/audit')).length === 4);
    assert.deepEqual(chat().filter((t) => t.endsWith('rules/audit')), want);
    const disabled = (await systemEvents('switchyard.rule.changed')).find((e) => e.data['state'] === 'disabled');
    assert.deepEqual(disabled?.data, { bus: 'default', rule: 'audit', state: 'disabled' });
  });

  test('system events and logs - a dead-lettered delivery: one line per failed attempt, one for the dead letter, and a system event', async () => {
    scripts.set('/dead', (n) => (n <= 2 ? 503 : 400));
    await putRule(base, 'default', 'dl', { filter: { pattern: { type: ['dl'] } }, targets: [{ id: 'hook', kind: 'http', url: `${rx.url}/dead`, retry: fast }] });
    await putEvents(base, 'default', [ce('dl-1', { type: 'dl' })]);
    await untilFinal(base, 'default', 'dl-1', 'dead');
    await until('the dead letter reaches the chat', () => chat().includes('switchyard.delivery.dead-lettered on buses/default/rules/dl/targets/hook'));
    const [ev] = await systemEvents('switchyard.delivery.dead-lettered');
    assert.deepEqual({ ...ev!.data, sequence: undefined }, { bus: 'default', rule: 'dl', target: 'hook', eventId: 'dl-1', sequence: undefined, count: 1, reason: ev!.data['reason'] });
    assert.match(String(ev!.data['reason']), /400/);
    const mine = logs.filter((l) => l.eventId === 'dl-1');
    const failed = mine.filter((l) => l.msg === 'delivery attempt failed');
    assert.deepEqual(failed.map((l) => [l.level, l.status, l.bus, l.rule, l.target]), [[40, 503, 'default', 'dl', 'hook'], [40, 503, 'default', 'dl', 'hook'], [40, 400, 'default', 'dl', 'hook']]);
    const dead = mine.filter((l) => l.msg === 'delivery dead-lettered');
    assert.equal(dead.length, 1);
    assert.equal(dead[0]!.level, 50);
    assert.deepEqual([dead[0]!.bus, dead[0]!.rule, dead[0]!.target, dead[0]!.count], ['default', 'dl', 'hook', 1]);
    assert.ok(typeof dead[0]!.sequence === 'number' && typeof dead[0]!.deliveryId === 'string');
  });

  test('logs - a successful delivery is one debug line', async () => {
    await putRule(base, 'default', 'fine', { filter: { pattern: { type: ['fine'] } }, targets: [{ id: 'hook', kind: 'http', url: `${rx.url}/fine`, retry: fast }] });
    await putEvents(base, 'default', [ce('ok-1', { type: 'fine' })]);
    await untilFinal(base, 'default', 'ok-1', 'delivered');
    await until('the delivered line', () => logs.some((l) => l.eventId === 'ok-1' && l.msg === 'delivered'));
    const mine = logs.filter((l) => l.eventId === 'ok-1');
    assert.deepEqual(mine.map((l) => [l.level, l.msg, l.bus, l.rule, l.target]), [[20, 'delivered', 'default', 'fine', 'hook']]);
  });

  test('system events - a circuit opens after failures and closes after a successful probe', async () => {
    scripts.set('/flap', (n) => (n <= 2 ? 503 : 200));
    await putRule(base, 'default', 'flap', {
      filter: { pattern: { type: ['flap'] } },
      targets: [{ id: 'hook', kind: 'http', url: `${rx.url}/flap`, retry: fast, circuitBreaker: { failureThreshold: 2, openMs: 100 } }],
    });
    await putEvents(base, 'default', [ce('fl-1', { type: 'flap' })]);
    await untilFinal(base, 'default', 'fl-1', 'delivered');
    const subject = 'buses/default/rules/flap/targets/hook';
    await until('opened and closed in the chat', () => chat().includes(`switchyard.circuit.closed on ${subject}`));
    assert.deepEqual(chat().filter((t) => t.endsWith(subject)), [`switchyard.circuit.opened on ${subject}`, `switchyard.circuit.closed on ${subject}`]);
    const msgs = logs.filter((l) => l.rule === 'flap' && l.msg.startsWith('circuit')).map((l) => l.msg);
    assert.deepEqual(msgs, ['circuit opened', 'circuit half-open: one probe let through', 'circuit closed']);
  });

  test('system events - a target failing for longer than disableAfterMs is disabled and its work dead-lettered', async () => {
    scripts.set('/down', () => 503);
    await putRule(base, 'default', 'down', {
      filter: { pattern: { type: ['down'] } },
      targets: [{ id: 'hook', kind: 'http', url: `${rx.url}/down`, retry: fast, circuitBreaker: { failureThreshold: 1000, openMs: 100 } }],
    });
    await putEvents(base, 'default', [ce('dn-1', { type: 'down' })]);
    const subject = 'buses/default/rules/down/targets/hook';
    await until('the target is disabled', () => chat().includes(`switchyard.target.disabled on ${subject}`), 15_000);
    await untilFinal(base, 'default', 'dn-1', 'dead');
    await until('the dead letter event', () => chat().includes(`switchyard.delivery.dead-lettered on ${subject}`));
    const disabled = logs.filter((l) => l.rule === 'down' && l.msg === 'target disabled');
    assert.equal(disabled.length, 1);
    assert.equal(disabled[0]!.level, 50);
  });

  test('system events - a failing target of a system rule raises no system events about itself (no loop)', async () => {
    await putRule(base, 'switchyard.system', 'broken-sink', {
      filter: { pattern: { type: ['switchyard.rule.created'], subject: ['buses/default/rules/trigger'] } },
      targets: [{ id: 'sink', kind: 'http', url: `${rx.url}/sink`, retry: { maxAttempts: 0 } }],
    });
    scripts.set('/sink', () => 400);
    await putRule(base, 'default', 'trigger', { filter: { pattern: { type: ['t'] } } });
    await rx.until('the sink is attempted', (r) => r.some((x) => x.url === '/sink'));
    await until('the sink delivery is dead', async () => (await call<{ items: unknown[] }>(base, '/v1/dead-letters?bus=switchyard.system&rule=broken-sink')).json.items.length === 1);
    const about = (await systemEvents('switchyard.delivery.dead-lettered')).filter((e) => e.data['bus'] === 'switchyard.system');
    assert.deepEqual(about, []);
  });
});
