import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Violation } from '../../../core/index.js';
import { BlockedAddressError, blockedReason } from '../../ssrf/index.js';

/** Username and password from a `basic` connection, put into the broker URL at connect time. */
export interface BrokerCredentials {
  readonly username: string;
  readonly password: string;
}

/** Checks `spec.url`: an absolute URL of one of `schemes`, without credentials (they go in a connection). */
export function checkBrokerUrl(url: unknown, schemes: readonly string[], path: string, out: Violation[]): void {
  const reason = `must be an absolute ${schemes.join(' or ')} URL`;
  if (typeof url !== 'string' || url.length > 2048) {
    out.push({ path: `${path}/url`, reason });
    return;
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    out.push({ path: `${path}/url`, reason });
    return;
  }
  if (!schemes.includes(u.protocol.slice(0, -1))) out.push({ path: `${path}/url`, reason: `scheme must be ${schemes.join(' or ')}` });
  if (u.hostname === '') out.push({ path: `${path}/url`, reason: 'must name a host' });
  if (u.username !== '' || u.password !== '') out.push({ path: `${path}/url`, reason: 'must not carry credentials; use a connection' });
  if (u.search !== '' || u.hash !== '') out.push({ path: `${path}/url`, reason: 'must not have a query or fragment' });
}

/** Checks an optional `connection` field (a connection name). */
export function checkConnectionName(v: unknown, path: string, out: Violation[]): void {
  if (v !== undefined && (typeof v !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v))) out.push({ path: `${path}/connection`, reason: 'must be a connection name' });
}

/** The URL with the connection's credentials in it (percent-encoded). */
export function withCredentials(url: string, c: BrokerCredentials | undefined): URL {
  const u = new URL(url);
  if (c !== undefined) {
    u.username = encodeURIComponent(c.username);
    u.password = encodeURIComponent(c.password);
  }
  return u;
}

/**
 * With private networks disallowed, refuses a broker host that is or resolves to a blocked
 * address (the http target's policy, src/delivery/ssrf). The broker clients resolve the name
 * again when connecting; the http target's guarded connector has no such gap.
 */
export async function guardBrokerHost(url: URL): Promise<void> {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const addresses = isIP(host) !== 0 ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  for (const a of addresses) {
    const reason = blockedReason(a);
    if (reason !== undefined) throw new BlockedAddressError(host, a, reason);
  }
}
