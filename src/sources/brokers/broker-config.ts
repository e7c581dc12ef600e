import type { Violation } from '../../core/index.js';

/** The settings every broker kind shares: where the broker is and which connection holds its credentials. */
export interface BrokerEndpoint {
  readonly url: string;
  /** A `basic` connection (username, password) for the broker; credentials never sit in the URL. */
  readonly connection: string | undefined;
}

/** The object a kind's settings arrived as ({} for anything else, which then fails its required fields). */
export const settingsObject = (config: unknown): Record<string, unknown> =>
  (typeof config === 'object' && config !== null && !Array.isArray(config) ? config : {}) as Record<string, unknown>;

/** Refuses settings a kind does not know. */
export function unknownKeys(o: Record<string, unknown>, known: readonly string[], at: string, kind: string, out: Violation[]): void {
  for (const k of Object.keys(o)) if (!known.includes(k)) out.push({ path: `${at}/${k}`, reason: `unknown property "${k}" for a ${kind} source` });
}

/** Checks `url` (one of `schemes`, no credentials) and `connection`. */
export function checkEndpoint(o: Record<string, unknown>, at: string, schemes: readonly string[], out: Violation[]): BrokerEndpoint | undefined {
  const before = out.length;
  let url: URL | undefined;
  if (typeof o.url !== 'string' || o.url.length > 2048) out.push({ path: `${at}/url`, reason: `is required: the broker URL (${schemes.map((s) => `${s}://…`).join(', ')})` });
  else {
    try {
      url = new URL(o.url);
    } catch {
      out.push({ path: `${at}/url`, reason: 'is not a URL' });
    }
  }
  if (url !== undefined) {
    if (!schemes.includes(url.protocol.slice(0, -1))) out.push({ path: `${at}/url`, reason: `must use ${schemes.join(' or ')}` });
    // A user name alone is no secret (PostgreSQL's trust auth); a password goes in a connection.
    if (url.password !== '') out.push({ path: `${at}/url`, reason: 'must not hold a password: name a basic connection in "connection"' });
  }
  const connection = optionalText(o, 'connection', at, 64, out);
  return out.length > before ? undefined : { url: o.url as string, connection };
}

export function requiredText(o: Record<string, unknown>, key: string, at: string, max: number, out: Violation[], what: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > max) out.push({ path: `${at}/${key}`, reason: `is required: ${what} (1 to ${max} characters)` });
  return typeof v === 'string' ? v : '';
}

export function optionalText(o: Record<string, unknown>, key: string, at: string, max: number, out: Violation[]): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > max) out.push({ path: `${at}/${key}`, reason: `must be a string of 1 to ${max} characters` });
  return typeof v === 'string' ? v : undefined;
}

export function optionalInt(o: Record<string, unknown>, key: string, at: string, min: number, max: number, dflt: number, out: Violation[]): number {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    out.push({ path: `${at}/${key}`, reason: `must be an integer from ${min} to ${max}` });
    return dflt;
  }
  return v;
}

/** The username and password of a broker source's `basic` connection; none when it names none. */
export async function brokerCredentials(
  secrets: { credentials(name: string): Promise<({ readonly kind: string } & Readonly<Record<string, unknown>>) | undefined> },
  connection: string | undefined,
): Promise<{ user: string; pass: string } | undefined> {
  if (connection === undefined) return undefined;
  const c = await secrets.credentials(connection);
  if (c === undefined) throw new Error(`connection "${connection}" does not exist`);
  if (c.kind !== 'basic' || typeof c.username !== 'string' || typeof c.password !== 'string') throw new Error(`connection "${connection}" is not a basic connection (username, password)`);
  return { user: c.username, pass: c.password };
}
