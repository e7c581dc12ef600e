import { createHmac } from 'node:crypto';
import type { JsonValue } from '../../../core/index.js';
import type { CloudEvent } from '../../../events/index.js';
import type { Outbound } from '../../target.js';

/** The chat platforms an http target can post to with `preset`. */
export const CHAT_PRESETS = ['dingtalk', 'feishu', 'wecom', 'slack', 'discord', 'teams'] as const;
export type ChatPreset = (typeof CHAT_PRESETS)[number];

/** What a preset makes of one message: the JSON body, and query parameters to add (signatures). */
export interface ChatRequest {
  readonly body: Buffer;
  readonly query: Readonly<Record<string, string>>;
}

/** How the platform's answer reads: success, or a failure (retryable when the platform says "later"). */
export type ChatVerdict = { readonly ok: true } | { readonly ok: false; readonly retry: boolean; readonly message: string };

interface PresetDef {
  /** Characters of the default text (each platform caps its messages). */
  readonly maxChars: number;
  readonly message: (text: string) => Record<string, JsonValue>;
  /** Signs with the robot's secret (DingTalk, Feishu): query parameters or body members. */
  readonly sign?: (secret: string, nowMs: number) => { query?: Record<string, string>; body?: Record<string, string> };
  /** Reads a 2xx answer (some platforms report errors in a 200 body). */
  readonly verdict: (text: string) => ChatVerdict;
}

function cut(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/** The default text of an event: type, source, id, subject, then the data. */
export function defaultText(ev: CloudEvent): string {
  const d = ev.data;
  const data = d.kind === 'json' ? JSON.stringify(d.value, null, 2) : d.kind === 'text' ? d.text : d.kind === 'binary' ? `(${d.bytes.byteLength} bytes of ${ev.datacontenttype ?? 'binary data'})` : '';
  return [`${ev.type} from ${ev.source}`, `id: ${ev.id}`, ...(ev.subject === undefined ? [] : [`subject: ${ev.subject}`]), ...(data === '' ? [] : [data])].join('\n');
}

function jsonCode(text: string, field: 'errcode' | 'code', retryCodes: readonly number[]): ChatVerdict {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, retry: false, message: `the platform answered without JSON: ${text.slice(0, 200)}` };
  }
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  // Feishu's older answers use StatusCode; both are 0 on success
  const code = o[field] ?? o.StatusCode;
  if (code === 0) return { ok: true };
  const msg = String(o.errmsg ?? o.msg ?? o.StatusMessage ?? '');
  return { ok: false, retry: typeof code === 'number' && retryCodes.includes(code), message: `the platform refused the message: ${field} ${String(code)} ${msg}`.trim() };
}

const PRESETS: Readonly<Record<ChatPreset, PresetDef>> = {
  // DingTalk custom robot: timestamp (ms) and sign = base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)) in the query.
  dingtalk: {
    maxChars: 4000,
    message: (text) => ({ msgtype: 'text', text: { content: text } }),
    sign: (secret, now) => ({ query: { timestamp: String(now), sign: createHmac('sha256', secret).update(`${now}\n${secret}`, 'utf8').digest('base64') } }),
    // 130101: sending too fast
    verdict: (t) => jsonCode(t, 'errcode', [130101]),
  },
  // Feishu/Lark custom bot: timestamp (s) and sign = base64(HMAC-SHA256(key = `${timestamp}\n${secret}`, empty message)) in the body.
  feishu: {
    maxChars: 4000,
    message: (text) => ({ msg_type: 'text', content: { text } }),
    sign: (secret, now) => {
      const ts = String(Math.floor(now / 1000));
      return { body: { timestamp: ts, sign: createHmac('sha256', `${ts}\n${secret}`).update('').digest('base64') } };
    },
    // 9499 / 11232: rate limited
    verdict: (t) => jsonCode(t, 'code', [9499, 11232]),
  },
  // WeCom group robot: the key in the URL; text at most 2048 bytes.
  wecom: { maxChars: 600, message: (text) => ({ msgtype: 'text', text: { content: text } }), verdict: (t) => jsonCode(t, 'errcode', [45009, -1]) },
  // Slack incoming webhook: answers 200 "ok".
  slack: { maxChars: 3000, message: (text) => ({ text }), verdict: (t) => (t.trim() === 'ok' || t.trim() === '' ? { ok: true } : { ok: false, retry: false, message: `Slack answered ${t.slice(0, 200)}` }) },
  // Discord webhook: content at most 2000 characters; answers 204.
  discord: { maxChars: 2000, message: (text) => ({ content: text }), verdict: () => ({ ok: true }) },
  // Microsoft Teams workflow (Power Automate "post to a channel when a webhook request is received"): an Adaptive Card message.
  teams: {
    maxChars: 4000,
    message: (text) => ({
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body: [{ type: 'TextBlock', text, wrap: true }] } }],
    }),
    verdict: () => ({ ok: true }),
  },
};

/** Whether the preset signs requests (and so wants an `hmac` connection). */
export function presetSigns(p: ChatPreset): boolean {
  return PRESETS[p].sign !== undefined;
}

/**
 * The request for one message: an event becomes the platform's text message (its default text);
 * a raw body (a transformer with `sendAs: body` wrote the platform's message itself) is sent
 * as is. With a secret, the signature the platform documents, computed for this request.
 * Throws when a raw body that must be signed in the body is not a JSON object.
 */
export function chatRequest(p: ChatPreset, o: Outbound, secret: string | undefined, nowMs: number): ChatRequest {
  const def = PRESETS[p];
  let msg: Record<string, JsonValue>;
  if (o.type === 'event') msg = def.message(cut(defaultText(o.event), def.maxChars));
  else {
    const signed = secret !== undefined && def.sign !== undefined;
    if (!signed) return { body: Buffer.from(o.body, 'utf8'), query: {} };
    const v = JSON.parse(o.body) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`a ${p} message must be a JSON object`);
    msg = v as Record<string, JsonValue>;
  }
  const s = secret !== undefined && def.sign !== undefined ? def.sign(secret, nowMs) : {};
  return { body: Buffer.from(JSON.stringify({ ...msg, ...(s.body ?? {}) }), 'utf8'), query: s.query ?? {} };
}

/** Reads the platform's 2xx answer. */
export function chatVerdict(p: ChatPreset, excerpt: string): ChatVerdict {
  return PRESETS[p].verdict(excerpt);
}
