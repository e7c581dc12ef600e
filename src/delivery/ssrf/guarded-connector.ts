import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { blockedReason } from './address-policy.js';
import { BlockedAddressError } from './blocked-error.js';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `dns.lookup` replacement for net.connect: resolves the name, then refuses it when ANY of
 * the resolved addresses is blocked. Because net.connect connects to exactly the address this
 * function returns, the address checked is the address connected to — there is no second
 * resolution an attacker could answer differently (no DNS-rebinding TOCTOU).
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err !== null) return callback(err, []);
    const list = addresses as LookupAddress[];
    for (const a of list) {
      const reason = blockedReason(a.address);
      if (reason !== undefined) return callback(new BlockedAddressError(hostname, a.address, reason) as NodeJS.ErrnoException, []);
    }
    if (options.all === true) return callback(null, list);
    const first = list[0];
    if (first === undefined) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}

/**
 * An undici connector that enforces the address policy. Literal IP hosts never reach
 * `lookup` in net.connect, so they are checked here before connecting; names are checked
 * after resolution by `guardedLookup`.
 */
export function guardedConnector(options: buildConnector.BuildOptions = {}): buildConnector.connector {
  const inner = buildConnector({ ...options, lookup: guardedLookup } as buildConnector.BuildOptions);
  return (opts, callback) => {
    const host = opts.hostname.startsWith('[') ? opts.hostname.slice(1, -1) : opts.hostname;
    if (isIP(host) !== 0) {
      const reason = blockedReason(host);
      if (reason !== undefined) {
        callback(new BlockedAddressError(host, host, reason), null);
        return;
      }
    }
    inner(opts, callback);
  };
}
