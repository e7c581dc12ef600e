import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { contractMessage, runTargetContract } from '../targets.contract.js';
import { createEvent } from '../../events/index.js';
import type { OutboundMessage } from '../target.js';
import { createTarget, validateTargetSpec } from './index.js';
import { testWorld } from './test-deps.contract.js';

/** A real SMTP server (the smtp-server package) on loopback: auth required, mail recorded and parsed. */
interface Mailbox { port: number; mails: { from: string; to: string[]; parsed: ParsedMail }[]; server: SMTPServer }

async function mailbox(opts: { refuse?: (rcpt: string) => number | undefined } = {}): Promise<Mailbox> {
  const mails: Mailbox['mails'] = [];
  const server = new SMTPServer({
    secure: false, disabledCommands: ['STARTTLS'], authOptional: false, allowInsecureAuth: true, logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'mailer' && auth.password === 's3cret') return cb(null, { user: 'mailer' });
      return cb(new Error('Invalid username or password'));
    },
    onRcptTo(addr, _session, cb) {
      const code = opts.refuse?.(addr.address);
      if (code !== undefined) return cb(Object.assign(new Error(`refused ${addr.address}`), { responseCode: code }));
      cb();
    },
    onData(stream, session, cb) {
      void simpleParser(stream).then((parsed) => {
        mails.push({ from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address), parsed });
        cb();
      }, cb);
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.server.address() as AddressInfo).port, mails, server };
}

const world = testWorld();
const boxes: Mailbox[] = [];
let box: Mailbox;
before(async () => {
  box = await mailbox({ refuse: (a) => (a.startsWith('full@') ? 452 : a.startsWith('nobody@') ? 550 : undefined) });
  boxes.push(box);
  world.vault.put('mail', { kind: 'basic', username: 'mailer', password: 's3cret' });
  world.vault.put('mail-bad', { kind: 'basic', username: 'mailer', password: 'nope' });
});
after(async () => {
  for (const b of boxes) await new Promise<void>((r) => b.server.close(() => r()));
  await world.close();
});

const base = (port: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 't', kind: 'smtp', url: `smtp://127.0.0.1:${port}`, connection: 'mail', from: 'Switchyard <noreply@example.com>', to: 'ops@example.com', subject: 'Event ${switchyard.event-id}', ...extra,
});

function message(data: Record<string, unknown>, id = 'e-1'): OutboundMessage {
  return { ...contractMessage(), eventId: id, outbound: { type: 'event', event: createEvent({ id, source: 's', type: 'order.created', data: { kind: 'json', value: data } as never }) } };
}

runTargetContract({
  kind: 'smtp',
  healthy: async () => createTarget(base(box.port), world.deps()),
  failing: async () => createTarget(base(box.port, { connection: 'mail-bad' }), world.deps()),
  // the subject carries the event id
  received: async () => box.mails.map((m) => (m.parsed.subject ?? '').replace(/^Event /, '')),
  cleanup: async () => undefined,
});

test('smtp - from, to, subject, text and HTML are templated from the event; HTML values are escaped', async () => {
  const b = await mailbox();
  boxes.push(b);
  const t = createTarget(base(b.port, {
    to: '${email}, audit@example.com', cc: 'team@example.com', subject: 'Order ${order} for ${name}',
    text: 'Hello ${name}, order ${order} is confirmed.', html: '<p>Hello <b>${name}</b></p>',
    variables: { email: '$.data.email', name: '$.data.name', order: '$.data.order' },
  }), world.deps());
  try {
    const o = await t.send([message({ email: 'ann@example.com', name: 'Ann <script>', order: 42 })], new AbortController().signal);
    assert.equal(o.type, 'delivered', JSON.stringify(o));
    const m = b.mails[0]!;
    assert.deepEqual(m.to.sort(), ['ann@example.com', 'audit@example.com', 'team@example.com']);
    assert.equal(m.from, 'noreply@example.com');
    assert.equal(m.parsed.subject, 'Order 42 for Ann <script>');
    assert.equal(m.parsed.text?.trim(), 'Hello Ann <script>, order 42 is confirmed.');
    assert.equal(m.parsed.html, '<p>Hello <b>Ann &lt;script&gt;</b></p>');
    assert.match(String(m.parsed.messageId), /^<dlv-\d+@switchyard>$/);
  } finally {
    await t.close();
  }
});

test('smtp - without text or html the body is the JSON event', async () => {
  const b = await mailbox();
  boxes.push(b);
  const t = createTarget(base(b.port), world.deps());
  try {
    assert.equal((await t.send([message({ n: 1 }, 'j-1')], new AbortController().signal)).type, 'delivered');
    assert.equal((JSON.parse(b.mails[0]!.parsed.text ?? '') as { id: string }).id, 'j-1');
  } finally {
    await t.close();
  }
});

test('smtp - a 4xx recipient is retried (io), a 5xx is rejected, bad credentials are config, a header injection is rejected', async () => {
  const full = createTarget(base(box.port, { to: 'full@example.com' }), world.deps());
  const nobody = createTarget(base(box.port, { to: 'nobody@example.com' }), world.deps());
  const inj = createTarget(base(box.port, { subject: '${s}', variables: { s: '$.data.s' } }), world.deps());
  const injTo = createTarget(base(box.port, { to: '${s}', variables: { s: '$.data.s' } }), world.deps());
  const bad = createTarget(base(box.port, { connection: 'mail-bad' }), world.deps());
  try {
    const a = await full.send([message({})], new AbortController().signal);
    assert.equal(a.type === 'failed' && a.errorClass, 'io', JSON.stringify(a));
    const b = await nobody.send([message({})], new AbortController().signal);
    assert.equal(b.type === 'failed' && b.errorClass, 'rejected', JSON.stringify(b));
    const c = await inj.send([message({ s: 'hi\r\nBcc: victim@example.com' })], new AbortController().signal);
    assert.equal(c.type === 'failed' && c.errorClass, 'rejected', JSON.stringify(c));
    const d = await injTo.send([message({ s: 'not-an-address' })], new AbortController().signal);
    assert.equal(d.type === 'failed' && d.errorClass, 'rejected', JSON.stringify(d));
    const e = await bad.send([message({})], new AbortController().signal);
    assert.equal(e.type === 'failed' && e.errorClass, 'config', JSON.stringify(e));
    assert.ok(!JSON.stringify(e).includes('nope'));
  } finally {
    for (const x of [full, nobody, inj, injTo, bad]) await x.close();
  }
});

test('smtp - a bad target is refused when the rule is saved, one violation per problem', () => {
  const v = validateTargetSpec({ kind: 'smtp', url: 'http://h', to: '', subject: 'x\ny', html: 5, tls: { rejectUnauthorized: 'no', ciphers: 'x' }, requireTLS: 1 }, '');
  assert.deepEqual(v.map((x) => x.path).sort(), ['/from', '/html', '/requireTLS', '/subject', '/tls/ciphers', '/tls/rejectUnauthorized', '/to', '/url']);
});
