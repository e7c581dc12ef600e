import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../../../core/index.js';

/** AWS credentials (an `aws` connection). */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SigV4Request {
  readonly method: string;
  readonly url: URL;
  /** Lower-case names; every one is signed (with `host`). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | string;
}

/** The URL's query as the signer takes it: repeated names as arrays, in order. */
function queryOf(url: URL): Record<string, string | string[]> {
  const q: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = q[k];
    q[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return q;
}

/**
 * AWS Signature Version 4 (header form) with `@smithy/signature-v4`, the AWS SDKs' own signer:
 * the request's headers and `host` are signed; for `s3` the path is encoded once and the payload
 * hash is sent as `x-amz-content-sha256`. Answers the headers to add to the request
 * (`authorization`, `x-amz-date`, and `x-amz-security-token` / `x-amz-content-sha256` when they
 * apply); the published AWS test vectors check it (sigv4.test.ts).
 *
 * @example await signV4({ method: 'POST', url: new URL('https://sns.us-east-1.amazonaws.com/'), headers: {}, body: '' }, creds, 'us-east-1', 'sns', Date.now())
 */
export async function signV4(req: SigV4Request, creds: AwsCredentials, region: string, service: string, nowMs: number): Promise<Record<string, string>> {
  const s3 = service === 's3';
  const signer = new SignatureV4({
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, ...(creds.sessionToken === undefined ? {} : { sessionToken: creds.sessionToken }) },
    region, service, sha256: NodeSha256, uriEscapePath: !s3, applyChecksum: s3,
  });
  const { url } = req;
  const signed = await signer.sign({
    method: req.method, protocol: url.protocol, hostname: url.hostname, ...(url.port === '' ? {} : { port: Number(url.port) }),
    path: url.pathname === '' ? '/' : url.pathname, query: queryOf(url), headers: { ...req.headers, host: url.host }, body: req.body,
  }, { signingDate: new Date(nowMs) });
  const added: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers as Record<string, string>)) {
    if (k !== 'host' && req.headers[k] === undefined) added[k] = v;
  }
  return added;
}
