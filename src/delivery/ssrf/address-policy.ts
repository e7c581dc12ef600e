import { BlockList, isIP } from 'node:net';

/**
 * Which outbound addresses an http target may connect to. The table below is the whole
 * policy: an address inside any range is refused unless private networks are allowed.
 * IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) and NAT64 forms are judged as the IPv4
 * address they carry, so a mapped form cannot smuggle a private address past the check.
 */
export type BlockReason =
  | 'unspecified' | 'loopback' | 'private' | 'link-local' | 'cgnat' | 'metadata'
  | 'multicast' | 'reserved' | 'broadcast';

interface Range { readonly net: string; readonly prefix: number; readonly reason: BlockReason }

/** Checked in order: the metadata hosts come first so they are named as such. */
export const BLOCKED_RANGES: readonly Range[] = [
  { net: '169.254.169.254', prefix: 32, reason: 'metadata' },
  { net: 'fd00:ec2::254', prefix: 128, reason: 'metadata' },
  { net: '0.0.0.0', prefix: 8, reason: 'unspecified' },
  { net: '127.0.0.0', prefix: 8, reason: 'loopback' },
  { net: '10.0.0.0', prefix: 8, reason: 'private' },
  { net: '172.16.0.0', prefix: 12, reason: 'private' },
  { net: '192.168.0.0', prefix: 16, reason: 'private' },
  { net: '100.64.0.0', prefix: 10, reason: 'cgnat' },
  { net: '169.254.0.0', prefix: 16, reason: 'link-local' },
  { net: '192.0.0.0', prefix: 24, reason: 'reserved' },
  { net: '198.18.0.0', prefix: 15, reason: 'reserved' },
  { net: '224.0.0.0', prefix: 4, reason: 'multicast' },
  { net: '255.255.255.255', prefix: 32, reason: 'broadcast' },
  { net: '240.0.0.0', prefix: 4, reason: 'reserved' },
  { net: '::', prefix: 128, reason: 'unspecified' },
  { net: '::1', prefix: 128, reason: 'loopback' },
  { net: 'fc00::', prefix: 7, reason: 'private' },
  { net: 'fe80::', prefix: 10, reason: 'link-local' },
  { net: 'fec0::', prefix: 10, reason: 'reserved' },
  { net: 'ff00::', prefix: 8, reason: 'multicast' },
];

const lists: readonly { list: BlockList; reason: BlockReason }[] = BLOCKED_RANGES.map((r) => {
  const list = new BlockList();
  list.addSubnet(r.net, r.prefix, isIP(r.net) === 6 ? 'ipv6' : 'ipv4');
  return { list, reason: r.reason };
});

/** The IPv4 address embedded in an IPv4-mapped (::ffff:a.b.c.d / ::ffff:xxxx:xxxx) or NAT64 (64:ff9b::/96) address. */
function embeddedIpv4(ip: string): string | undefined {
  const lower = ip.toLowerCase();
  const m = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(lower);
  if (m === null) return undefined;
  if (m[1] !== undefined) return m[1];
  const hi = parseInt(m[2]!, 16);
  const lo = parseInt(m[3]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/**
 * Why `ip` (a literal IPv4 or IPv6 address) may not be reached, or undefined when it is a
 * public address. A string that is not an IP address is reported as 'reserved' (fail closed).
 */
export function blockedReason(ip: string): BlockReason | undefined {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const v4 = embeddedIpv4(bare);
  const addr = v4 ?? bare;
  const family = isIP(addr);
  if (family === 0) return 'reserved';
  const type = family === 6 ? 'ipv6' : 'ipv4';
  for (const { list, reason } of lists) if (list.check(addr, type)) return reason;
  return undefined;
}
