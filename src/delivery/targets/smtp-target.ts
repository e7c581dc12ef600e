import nodemailer, { type Transporter } from 'nodemailer';
import type { JsonObject, JsonValue, Violation } from '../../core/index.js';
import type { Target } from '../target.js';
import type { TargetDeps } from './deps.js';
import { BrokerTarget, networkFailure, UnsendableError, type BrokerDriver, type DriverFailure } from './brokers/broker-target.js';
import type { BrokerMessage } from './brokers/ce-binding.js';
import { KeyTemplate } from './key-template.js';
import { brokerOptionsOf, checkBrokerFields } from './brokers/shared-spec.js';

type SpecObject = Readonly<Record<string, unknown>>;

export const SMTP_FIELDS = ['url', 'connection', 'variables', 'requireTLS', 'tls', 'from', 'to', 'cc', 'bcc', 'replyTo', 'subject', 'text', 'html'] as const;

/** A rendered body (text or HTML) is at most this many bytes. */
export const MAX_BODY_BYTES = 256 * 1024;
/** Recipients per message (to + cc + bcc). */
export const MAX_RECIPIENTS = 50;

const ADDRESS_FIELDS = ['from', 'to', 'cc', 'bcc', 'replyTo'] as const;
type Field = (typeof ADDRESS_FIELDS)[number] | 'subject' | 'text' | 'html';

export function checkSmtpSpec(t: SpecObject, path: string, out: Violation[]): void {
  checkBrokerFields(t, ['smtp', 'smtps'], path, out, ['structured']);
  for (const f of ADDRESS_FIELDS) {
    if (f !== 'from' && f !== 'to' && t[f] === undefined) continue;
    KeyTemplate.check(t, f, path, out);
  }
  KeyTemplate.check(t, 'subject', path, out);
  for (const f of ['text', 'html'] as const) {
    const v = t[f];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length === 0 || Buffer.byteLength(v) > MAX_BODY_BYTES) out.push({ path: `${path}/${f}`, reason: `must be a non-empty string of at most ${MAX_BODY_BYTES} bytes` });
    else KeyTemplate.checkText(v.replace(/[\r\n]/g, ' '), t.variables, `${path}/${f}`, path, out, MAX_BODY_BYTES);
  }
  if (t.requireTLS !== undefined && typeof t.requireTLS !== 'boolean') out.push({ path: `${path}/requireTLS`, reason: 'must be a boolean' });
  const tls = t.tls;
  if (tls !== undefined) {
    if (typeof tls !== 'object' || tls === null || Array.isArray(tls)) out.push({ path: `${path}/tls`, reason: 'must be an object' });
    else {
      for (const [k, v] of Object.entries(tls)) {
        if (k === 'rejectUnauthorized') {
          if (typeof v !== 'boolean') out.push({ path: `${path}/tls/${k}`, reason: 'must be a boolean' });
        } else if (k === 'servername' || k === 'minVersion') {
          if (typeof v !== 'string' || v.length > 255) out.push({ path: `${path}/tls/${k}`, reason: 'must be a string' });
          else if (k === 'minVersion' && !['TLSv1.2', 'TLSv1.3'].includes(v)) out.push({ path: `${path}/tls/${k}`, reason: 'must be "TLSv1.2" or "TLSv1.3"' });
        } else out.push({ path: `${path}/tls/${k}`, reason: 'unknown field (rejectUnauthorized, servername, minVersion)' });
      }
    }
  }
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The event with every string HTML-escaped: values placed in an HTML template cannot add markup. */
function htmlEscaped(v: JsonValue): JsonValue {
  if (typeof v === 'string') return v.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
  if (Array.isArray(v)) return v.map(htmlEscaped);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, htmlEscaped(x)]));
  return v;
}

/** Addresses as rendered: a comma-separated list; CR/LF never (they would add headers). */
function addresses(text: string): string[] {
  return text.split(',').map((a) => a.trim()).filter((a) => a !== '');
}

/**
 * E-mail through an SMTP server (nodemailer, a pooled transport per target): from, to, cc,
 * bcc, reply-to, subject, text and HTML body templated from the event. Without `text` and
 * `html`, the text body is the delivered payload (the JSON-format event, or the raw body).
 * Success: the server accepted the message for every recipient (250 after DATA). Values in
 * the HTML body are HTML-escaped.
 */
class SmtpDriver implements BrokerDriver<Transporter> {
  readonly kind = 'smtp';
  readonly #t: Partial<Record<Field, KeyTemplate>> = {};
  readonly #spec: SpecObject;
  readonly #timeoutMs: number;

  constructor(spec: SpecObject, timeoutMs: number) {
    this.#spec = spec;
    this.#timeoutMs = timeoutMs;
    for (const f of [...ADDRESS_FIELDS, 'subject'] as const) if (typeof spec[f] === 'string') this.#t[f] = KeyTemplate.of(spec, f);
    for (const f of ['text', 'html'] as const) if (typeof spec[f] === 'string') this.#t[f] = KeyTemplate.compile(spec[f], spec.variables, MAX_BODY_BYTES);
  }

  async connect(url: URL): Promise<Transporter> {
    const tls = (this.#spec.tls as Record<string, unknown> | undefined) ?? {};
    const transport = nodemailer.createTransport({
      host: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port === '' ? (url.protocol === 'smtps:' ? 465 : 587) : Number(url.port),
      secure: url.protocol === 'smtps:',
      requireTLS: this.#spec.requireTLS === true,
      ...(url.username === '' ? {} : { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }),
      tls: { ...(typeof tls.rejectUnauthorized === 'boolean' ? { rejectUnauthorized: tls.rejectUnauthorized } : {}), ...(typeof tls.servername === 'string' ? { servername: tls.servername } : {}), ...(typeof tls.minVersion === 'string' ? { minVersion: tls.minVersion as 'TLSv1.2' } : {}) },
      pool: true,
      maxConnections: 2,
      connectionTimeout: Math.min(this.#timeoutMs, 10_000),
      greetingTimeout: Math.min(this.#timeoutMs, 10_000),
      socketTimeout: this.#timeoutMs,
    });
    transport.on('error', () => undefined);
    return transport;
  }

  #render(f: Field, json: () => JsonObject, m: BrokerMessage): string | undefined {
    const t = this.#t[f];
    if (t === undefined) return undefined;
    const r = t.render(json, m.source, f !== 'from' && f !== 'to');
    if (!r.ok) throw new UnsendableError(`${f}: ${r.reason}`);
    return r.key;
  }

  async publish(transport: Transporter, messages: readonly BrokerMessage[]): Promise<void> {
    for (const m of messages) {
      let escaped: JsonObject | undefined;
      const htmlJson = (): JsonObject => (escaped ??= htmlEscaped(m.json()) as JsonObject);
      const header: Record<string, string | string[]> = {};
      for (const f of ADDRESS_FIELDS) {
        const v = this.#render(f, m.json, m);
        if (v === undefined) continue;
        if (/[\r\n\0]/.test(v)) throw new UnsendableError(`${f}: an address may not contain CR, LF or NUL`);
        const list = addresses(v);
        if (list.some((a) => !a.includes('@'))) throw new UnsendableError(`${f}: "${v.slice(0, 200)}" is not a list of e-mail addresses`);
        if (list.length > 0) header[f] = f === 'from' ? list[0]! : list;
      }
      if (header.to === undefined) throw new UnsendableError('to: no recipient');
      const count = ['to', 'cc', 'bcc'].reduce((n, f) => n + ((header[f] as string[] | undefined)?.length ?? 0), 0);
      if (count > MAX_RECIPIENTS) throw new UnsendableError(`${count} recipients; at most ${MAX_RECIPIENTS}`);
      const subject = this.#render('subject', m.json, m) ?? '';
      if (/[\r\n\0]/.test(subject)) throw new UnsendableError('subject: may not contain CR, LF or NUL');
      const text = this.#render('text', m.json, m);
      const html = this.#t.html === undefined ? undefined : this.#render('html', htmlJson, m);
      const info = await transport.sendMail({
        ...header, subject,
        ...(text === undefined && html === undefined ? { text: m.body.toString('utf8') } : {}),
        ...(text === undefined ? {} : { text }),
        ...(html === undefined ? {} : { html }),
        messageId: `<${m.source.deliveryId}@switchyard>`,
        headers: { 'x-switchyard-delivery': m.source.deliveryId, ...(m.source.traceparent === undefined ? {} : { traceparent: m.source.traceparent }) },
      }) as { rejected?: unknown[]; response?: string };
      if (Array.isArray(info.rejected) && info.rejected.length > 0) {
        throw Object.assign(new Error(`the server refused ${info.rejected.length} recipient(s): ${info.response ?? ''}`), { code: 'EENVELOPE', responseCode: 550 });
      }
    }
  }

  async close(transport: Transporter): Promise<void> {
    transport.close();
  }

  classify(err: unknown): DriverFailure {
    const net = networkFailure(err);
    if (net !== undefined) return net;
    const e = err as { code?: unknown; responseCode?: unknown; message?: string };
    const msg = e.message ?? String(err);
    if (e.code === 'EAUTH' || e.code === 'ENOAUTH') return { errorClass: 'config', message: `the SMTP server refused the credentials: ${msg}`, drop: true };
    if (e.code === 'ETLS' || e.code === 'ENOTLS') return { errorClass: 'config', message: msg, drop: true };
    if (typeof e.responseCode === 'number') {
      // RFC 5321: 4yz transient, 5yz permanent
      if (e.responseCode >= 500) return { errorClass: 'rejected', message: msg, drop: false };
      if (e.responseCode >= 400) return { errorClass: 'io', message: msg, drop: false };
    }
    if (e.code === 'ETIMEDOUT') return { errorClass: 'timeout', message: msg, drop: true };
    return { errorClass: 'network', message: msg, drop: true };
  }
}

export function createSmtpTarget(spec: SpecObject, deps: TargetDeps): Target {
  const options = brokerOptionsOf(spec, 'structured');
  return new BrokerTarget(new SmtpDriver(spec, options.timeoutMs), options, deps);
}
