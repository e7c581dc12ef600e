import type { Violation } from '../../core/index.js';
import type { ConnectionSpec } from './types.js';

/** The fields of each kind that are secret: sealed at rest, shown as "***", never logged. */
export const SECRET_FIELDS = { basic: ['password'], apiKey: ['value'], oauth2: ['clientSecret'], hmac: ['secret'], aws: ['secretAccessKey', 'sessionToken'] } as const;
export type ConnectionKind = keyof typeof SECRET_FIELDS;
export const CONNECTION_KINDS = Object.keys(SECRET_FIELDS) as ConnectionKind[];

const ALLOWED = {
  basic: ['kind', 'description', 'username', 'password'],
  // `name` is the old spelling of `keyName`, still taken on input (see normalizeApiKeyName).
  apiKey: ['kind', 'description', 'in', 'keyName', 'name', 'value'],
  oauth2: ['kind', 'description', 'tokenUrl', 'clientId', 'clientSecret', 'scope', 'audience', 'clientAuth'],
  hmac: ['kind', 'description', 'secret'],
  aws: ['kind', 'description', 'accessKeyId', 'secretAccessKey', 'sessionToken'],
} as const;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function str(o: Record<string, unknown>, key: string, out: Violation[], opts: { optional?: boolean; max?: number; secretKept?: boolean } = {}): void {
  const v = o[key];
  if (v === undefined && (opts.optional === true || opts.secretKept === true)) return;
  if (typeof v !== 'string' || v.length === 0 || v.length > (opts.max ?? 4096)) out.push({ path: `/${key}`, reason: `must be a non-empty string of at most ${opts.max ?? 4096} characters` });
  else if (/[\r\n\0]/.test(v)) out.push({ path: `/${key}`, reason: 'must not contain CR, LF or NUL' });
}

/**
 * Checks a connection body (PUT /v1/connections/{name}); one violation per problem. A secret
 * field may be omitted when `kept` lists it: an update keeps the stored secret.
 */
export function checkConnectionBody(body: unknown, kept: readonly string[] = []): Violation[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [{ path: '', reason: 'must be an object' }];
  const o = body as Record<string, unknown>;
  const kind = o.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(SECRET_FIELDS, kind)) return [{ path: '/kind', reason: `must be one of ${CONNECTION_KINDS.join(', ')}` }];
  const k = kind as ConnectionKind;
  const out: Violation[] = [];
  for (const key of Object.keys(o)) if (!(ALLOWED[k] as readonly string[]).includes(key)) out.push({ path: `/${key}`, reason: `unknown field for a ${k} connection` });
  if (o.description !== undefined && (typeof o.description !== 'string' || o.description.length > 1024)) out.push({ path: '/description', reason: 'must be a string of at most 1024 characters' });
  const secretKept = (f: string): boolean => kept.includes(f);
  switch (k) {
    case 'basic':
      str(o, 'username', out, { max: 256 });
      if (typeof o.username === 'string' && o.username.includes(':')) out.push({ path: '/username', reason: 'must not contain ":" (HTTP Basic)' });
      str(o, 'password', out, { secretKept: secretKept('password') });
      break;
    case 'apiKey':
      if (o.in !== 'header' && o.in !== 'query') out.push({ path: '/in', reason: 'must be "header" or "query"' });
    {
      if (o.keyName !== undefined && o.name !== undefined) out.push({ path: '/name', reason: 'is the old spelling of keyName; give keyName only' });
      const field = o.keyName === undefined && o.name !== undefined ? 'name' : 'keyName';
      str(o, field, out, { max: 256 });
      const keyName = o[field];
      if (o.in === 'header' && typeof keyName === 'string' && !TOKEN.test(keyName)) out.push({ path: `/${field}`, reason: 'is not a valid header name' });
      str(o, 'value', out, { secretKept: secretKept('value') });
      break;
    }
    case 'oauth2': {
      str(o, 'tokenUrl', out);
      if (typeof o.tokenUrl === 'string') {
        let u: URL | undefined;
        try {
          u = new URL(o.tokenUrl);
        } catch {
          out.push({ path: '/tokenUrl', reason: 'must be an absolute http or https URL' });
        }
        if (u !== undefined && u.protocol !== 'https:' && u.protocol !== 'http:') out.push({ path: '/tokenUrl', reason: 'scheme must be http or https' });
      }
      str(o, 'clientId', out, { max: 1024 });
      str(o, 'clientSecret', out, { secretKept: secretKept('clientSecret') });
      str(o, 'scope', out, { optional: true });
      str(o, 'audience', out, { optional: true });
      if (o.clientAuth !== undefined && o.clientAuth !== 'basic' && o.clientAuth !== 'body') out.push({ path: '/clientAuth', reason: 'must be "basic" or "body"' });
      break;
    }
    case 'hmac':
      str(o, 'secret', out, { secretKept: secretKept('secret') });
      break;
    case 'aws':
      str(o, 'accessKeyId', out, { max: 128 });
      str(o, 'secretAccessKey', out, { secretKept: secretKept('secretAccessKey') });
      str(o, 'sessionToken', out, { optional: true, max: 8192 });
      break;
  }
  return out;
}

/**
 * An apiKey connection's header or query parameter name is `keyName`. It was once `name`,
 * which a view (`{ name: <connection>, ...config }`) showed in place of the connection's own
 * name; configs stored then, and bodies still using that spelling, are read through this.
 */
export function normalizeApiKeyName(kind: string, config: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  if (kind !== 'apiKey' || !Object.hasOwn(config, 'name')) return config;
  const { name, ...rest } = config;
  return { ...rest, keyName: rest.keyName ?? name };
}

/** Splits a checked body into the stored (non-secret) config and the secret fields. */
export function splitSecrets(body: Readonly<Record<string, unknown>>): { kind: ConnectionKind; config: Record<string, unknown>; secrets: Record<string, string> } {
  const kind = body.kind as ConnectionKind;
  const config: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const [k, v] of Object.entries(normalizeApiKeyName(kind, body))) {
    if (k === 'kind' || k === 'description') continue;
    if ((SECRET_FIELDS[kind] as readonly string[]).includes(k)) secrets[k] = v as string;
    else config[k] = v;
  }
  return { kind, config, secrets };
}

/** Joins stored config and opened secrets into the spec the http target uses. */
export function joinSpec(kind: string, config: Readonly<Record<string, unknown>>, secrets: Readonly<Record<string, string>>): ConnectionSpec {
  const c = normalizeApiKeyName(kind, config) as Record<string, string | undefined>;
  switch (kind) {
    case 'basic':
      return { kind, username: c.username!, password: secrets.password! };
    case 'apiKey':
      return { kind, in: c.in === 'query' ? 'query' : 'header', keyName: c.keyName!, value: secrets.value! };
    case 'hmac':
      return { kind, secret: secrets.secret! };
    case 'aws':
      return { kind, accessKeyId: c.accessKeyId!, secretAccessKey: secrets.secretAccessKey!, ...(secrets.sessionToken === undefined ? {} : { sessionToken: secrets.sessionToken }) };
    default:
      return {
        kind: 'oauth2', tokenUrl: c.tokenUrl!, clientId: c.clientId!, clientSecret: secrets.clientSecret!,
        clientAuth: c.clientAuth === 'body' ? 'body' : 'basic',
        ...(c.scope === undefined ? {} : { scope: c.scope }), ...(c.audience === undefined ? {} : { audience: c.audience }),
      };
  }
}
