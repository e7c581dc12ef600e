import { isJsonObject, type JsonObject, type JsonValue } from '../../core/index.js';

/** What a provider preset reads from a request (attributes it cannot find are left to the defaults). */
export interface PresetAttributes {
  readonly id?: string | undefined;
  readonly type?: string | undefined;
  readonly source?: string | undefined;
  readonly subject?: string | undefined;
  readonly time?: string | undefined;
  readonly dataschema?: string | undefined;
  readonly extensions?: Readonly<Record<string, string>>;
}

/**
 * A provider's mapping (docs/sources.md#presets): reads the message document of a webhook
 * (`{ method, headers, query, body }`, headers lower-case, body parsed when JSON).
 */
export interface Preset {
  readonly name: string;
  map(doc: JsonObject): PresetAttributes;
}

function at(v: JsonValue | undefined, ...path: string[]): JsonValue | undefined {
  let cur = v;
  for (const k of path) {
    if (!isJsonObject(cur as JsonValue) || !Object.hasOwn(cur as JsonObject, k)) return undefined;
    cur = (cur as JsonObject)[k];
  }
  return cur;
}

function text(v: JsonValue | undefined): string | undefined {
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

const header = (doc: JsonObject, name: string): string | undefined => text(at(doc, 'headers', name));
const body = (doc: JsonObject, ...path: string[]): string | undefined => text(at(doc.body, ...path));
/** GitHub's form deliveries (application/x-www-form-urlencoded) carry the JSON in a `payload` field. */
const githubPayload = (doc: JsonObject): JsonObject => {
  const p = at(doc.body, 'payload');
  return isJsonObject(p as JsonValue) ? { ...doc, body: p as JsonValue } : doc;
};

/** Epoch seconds (or milliseconds when `ms`) as RFC 3339. */
function epoch(v: string | undefined, ms = false): string | undefined {
  if (v === undefined || !/^\d{1,16}$/.test(v)) return undefined;
  const d = new Date(ms ? Number(v) : Number(v) * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** An RFC 3339 time as it is, anything else dropped (a preset never fails a request over a time). */
function rfc3339(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(v) ? v : undefined;
}

const dotted = (...parts: (string | undefined)[]): string => parts.filter((p) => p !== undefined && p !== '').join('.');

/** GitHub's headers and payload (https://docs.github.com/webhooks/webhook-events-and-payloads). */
const githubMap = (doc: JsonObject): PresetAttributes => ({
  id: header(doc, 'x-github-delivery'),
  type: header(doc, 'x-github-event') === undefined ? undefined : dotted('com.github', header(doc, 'x-github-event'), body(doc, 'action')),
  source: body(doc, 'repository', 'html_url') ?? body(doc, 'organization', 'url') ?? 'https://github.com',
  subject: body(doc, 'repository', 'full_name'),
});

const PRESETS: readonly Preset[] = [
  {
    // https://docs.github.com/webhooks/webhook-events-and-payloads
    name: 'github',
    map: (d) => githubMap(githubPayload(d)),
  },
  {
    // https://docs.gitlab.com/user/project/integrations/webhook_events/
    name: 'gitlab',
    map: (doc) => ({
      id: header(doc, 'x-gitlab-event-uuid') ?? header(doc, 'x-gitlab-webhook-uuid'),
      type: body(doc, 'object_kind') === undefined ? undefined : dotted('com.gitlab', body(doc, 'object_kind'), body(doc, 'object_attributes', 'action')),
      source: body(doc, 'project', 'web_url') ?? 'https://gitlab.com',
      subject: body(doc, 'project', 'path_with_namespace'),
    }),
  },
  {
    // https://docs.stripe.com/api/events/object
    name: 'stripe',
    map: (doc) => ({
      id: body(doc, 'id'),
      type: body(doc, 'type') === undefined ? undefined : dotted('com.stripe', body(doc, 'type')),
      source: body(doc, 'account') === undefined ? 'https://api.stripe.com' : `https://api.stripe.com/accounts/${body(doc, 'account')}`,
      subject: body(doc, 'data', 'object', 'id'),
      time: epoch(body(doc, 'created')),
    }),
  },
  {
    // https://shopify.dev/docs/apps/build/webhooks
    name: 'shopify',
    map: (doc) => ({
      id: header(doc, 'x-shopify-event-id') ?? header(doc, 'x-shopify-webhook-id'),
      type: header(doc, 'x-shopify-topic') === undefined ? undefined : dotted('com.shopify', header(doc, 'x-shopify-topic')?.replaceAll('/', '.')),
      source: header(doc, 'x-shopify-shop-domain') === undefined ? 'https://shopify.com' : `https://${header(doc, 'x-shopify-shop-domain')}`,
      time: rfc3339(header(doc, 'x-shopify-triggered-at')),
    }),
  },
  {
    // https://api.slack.com/apis/events-api (the outer event_callback envelope)
    name: 'slack',
    map: (doc) => ({
      id: body(doc, 'event_id'),
      type: dotted('com.slack', body(doc, 'event', 'type') ?? body(doc, 'type')),
      source: body(doc, 'team_id') === undefined ? 'https://slack.com' : `https://slack.com/team/${body(doc, 'team_id')}`,
      time: epoch(body(doc, 'event_time')),
    }),
  },
  {
    // https://www.standardwebhooks.com/ (payload { type, timestamp, data })
    name: 'standard-webhooks',
    map: (doc) => ({
      id: header(doc, 'webhook-id'),
      type: body(doc, 'type'),
      time: rfc3339(body(doc, 'timestamp')),
    }),
  },
  {
    // https://open.feishu.cn/document/server-docs/event-subscription-guide/event-subscription-configure-/request-url-configuration-case (schema 2.0; 1.0 fields as fallback)
    name: 'feishu',
    map: (doc) => ({
      id: body(doc, 'header', 'event_id') ?? body(doc, 'uuid'),
      type: dotted('com.feishu', body(doc, 'header', 'event_type') ?? body(doc, 'event', 'type')),
      source: body(doc, 'header', 'app_id') === undefined ? 'https://open.feishu.cn' : `https://open.feishu.cn/app/${body(doc, 'header', 'app_id')}`,
      time: epoch(body(doc, 'header', 'create_time'), true),
      subject: body(doc, 'header', 'tenant_key'),
    }),
  },
  {
    // https://open.dingtalk.com/document/orgapp/configure-event-subcription (decrypted callback body)
    name: 'dingtalk',
    map: (doc) => ({
      // DingTalk's callbacks carry no event id: the query's timestamp and nonce name the request.
      id: body(doc, 'EventId') ?? (text(at(doc, 'query', 'nonce')) === undefined ? undefined : `${text(at(doc, 'query', 'timestamp')) ?? ''}-${text(at(doc, 'query', 'nonce')) ?? ''}`),
      type: dotted('com.dingtalk', body(doc, 'EventType')),
      source: body(doc, 'CorpId') === undefined ? 'https://open.dingtalk.com' : `https://open.dingtalk.com/corp/${body(doc, 'CorpId')}`,
      time: epoch(body(doc, 'TimeStamp'), true),
    }),
  },
];

const BY_NAME = new Map(PRESETS.map((p) => [p.name, p]));

export function presetNames(): string[] {
  return PRESETS.map((p) => p.name);
}

export function presetOf(name: string): Preset | undefined {
  return BY_NAME.get(name);
}
