/**
 * IP addresses and CIDR blocks for the `cidr` operator and for exact values that are IP
 * addresses (which compare as addresses: "::1" equals "0:0:0:0:0:0:0:1").
 * An address is a family plus a bigint; IPv4 and IPv6 never match each other.
 */

export interface IpAddress {
  readonly v6: boolean;
  readonly n: bigint;
}

const V4_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const V6_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!V4_OCTET.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

function parseV6(s: string): bigint | undefined {
  let tail: bigint | undefined;
  let body = s;
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) >= 0) {
    tail = parseV4(s.slice(lastColon + 1));
    if (tail === undefined) return undefined;
    body = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (h: string): string[] | undefined => (h === '' ? [] : h.split(':'));
  const head = groupsOf(halves[0]!);
  const rest = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (head === undefined || rest === undefined) return undefined;
  const total = head.length + rest.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const groups = [...head, ...Array<string>(8 - total).fill('0'), ...rest];
  let n = 0n;
  for (const g of groups) {
    if (!V6_GROUP.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail !== undefined) n = (n & ~0xffffffffn) | tail;
  return n;
}

/** Parses an IPv4 dotted quad or an IPv6 address; undefined when `s` is neither. */
export function parseIp(s: string): IpAddress | undefined {
  if (s.length < 2 || s.length > 45) return undefined;
  if (s.includes(':')) {
    const n = parseV6(s);
    return n === undefined ? undefined : { v6: true, n };
  }
  const n = parseV4(s);
  return n === undefined ? undefined : { v6: false, n };
}

/** A stable text key of an address, equal for equal addresses. */
export function ipKey(ip: IpAddress): string {
  return `${ip.v6 ? '6' : '4'}:${ip.n.toString(16)}`;
}

/** A CIDR block: the network (host bits cleared) and the prefix length. */
export interface CidrBlock {
  readonly v6: boolean;
  readonly network: bigint;
  readonly mask: bigint;
  readonly bits: number;
}

/** Parses "addr/bits"; returns the block or the reason it is malformed. */
export function parseCidr(s: string): CidrBlock | { error: string } {
  const parts = s.split('/');
  if (parts.length !== 2) return { error: "malformed CIDR, exactly one '/' required" };
  const [addrText, bitsText] = parts as [string, string];
  if (!/^-?[0-9]+$/.test(bitsText)) return { error: 'malformed CIDR, mask bits must be an integer' };
  const bits = Number(bitsText);
  if (bits < 0) return { error: 'malformed CIDR, mask bits must not be negative' };
  const ip = parseIp(addrText);
  if (ip === undefined) return { error: `not an IP address: ${addrText}` };
  const width = ip.v6 ? 128 : 32;
  if (bits > width) return { error: `IPv${ip.v6 ? 6 : 4} mask bits must be at most ${width}` };
  const all = (1n << BigInt(width)) - 1n;
  const mask = all ^ ((1n << BigInt(width - bits)) - 1n);
  return { v6: ip.v6, network: ip.n & mask, mask, bits };
}

/** True when `ip` lies in `block`. */
export function cidrContains(block: CidrBlock, ip: IpAddress): boolean {
  return ip.v6 === block.v6 && (ip.n & block.mask) === block.network;
}
