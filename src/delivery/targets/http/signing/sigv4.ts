import { createHash, createHmac } from 'node:crypto';

/** AWS credentials (an `aws` connection). */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SigV4Request {
  readonly method: string;
  readonly url: URL;
  /** Lower-case names. The signer adds x-amz-date (and x-amz-security-token, x-amz-content-sha256 for s3) and authorization. */
  readonly headers: Record<string, string>;
  readonly body: Buffer | string;
}

const sha256hex = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - . _ ~ (SigV4's UriEncode). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The URL's path as SigV4 canonicalizes it: each segment encoded once more (twice in all), once for s3. */
function canonicalUri(url: URL, service: string): string {
  const path = url.pathname === '' ? '/' : url.pathname;
  return path.split('/').map((seg) => {
    const decoded = safeDecode(seg);
    return service === 's3' ? uriEncode(decoded) : uriEncode(uriEncode(decoded));
  }).join('/');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function canonicalQuery(url: URL): string {
  const pairs = [...url.searchParams].map(([k, v]) => [uriEncode(k), uriEncode(v)] as const);
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** `20150830T123600Z` */
export function amzDate(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** The parts of a signature, exposed so tests can check each against the published vectors. */
export interface SigV4Result {
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signature: string;
  /** Every header to add to the request (authorization, x-amz-date, …). */
  readonly headers: Record<string, string>;
}

/**
 * AWS Signature Version 4 (header form), as the AWS General Reference describes it: canonical
 * request (method, canonical URI, sorted query, canonical headers, signed headers, payload
 * hash), string to sign with the credential scope, key derived from the secret by date,
 * region, service and `aws4_request`. Signed headers: host, content-type and every x-amz-*
 * header, plus `extraSigned` (names, lower-case) when present.
 *
 * @example signV4({ method: 'POST', url: new URL('https://sns.us-east-1.amazonaws.com/'), headers: {}, body: '' }, creds, 'us-east-1', 'sns', Date.now())
 */
export function signV4(req: SigV4Request, creds: AwsCredentials, region: string, service: string, nowMs: number, extraSigned: readonly string[] = []): SigV4Result {
  const date = amzDate(nowMs);
  const day = date.slice(0, 8);
  const payloadHash = sha256hex(req.body);
  const added: Record<string, string> = { 'x-amz-date': date };
  if (creds.sessionToken !== undefined) added['x-amz-security-token'] = creds.sessionToken;
  if (service === 's3') added['x-amz-content-sha256'] = payloadHash;
  const all: Record<string, string> = { ...req.headers, ...added, host: req.url.host };
  const names = Object.keys(all).map((n) => n.toLowerCase())
    .filter((n) => n === 'host' || n === 'content-type' || n.startsWith('x-amz-') || extraSigned.includes(n));
  const uniq = [...new Set(names)].sort();
  const valueOf = (n: string): string => Object.entries(all).filter(([k]) => k.toLowerCase() === n).map(([, v]) => v.trim().replace(/\s+/g, ' ')).join(',');
  const canonicalHeaders = uniq.map((n) => `${n}:${valueOf(n)}\n`).join('');
  const signedHeaders = uniq.join(';');
  const canonicalRequest = [req.method, canonicalUri(req.url, service), canonicalQuery(req.url), canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), region), service), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return {
    canonicalRequest, stringToSign, signature,
    headers: { ...added, authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}` },
  };
}
