/**
 * SigV4 verification of the AWS API's requests. The signature is not computed here: the
 * request is signed again with `@smithy/signature-v4` (the AWS SDKs' own signer) under the
 * access key it names, over exactly the headers it says it signed, and the two signatures are
 * compared in constant time. The payload is always hashed from the bytes received, so a
 * signature cannot be replayed with another body.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256, type Clock } from '../../core/index.js';
import { AwsError } from './protocol.js';

/** Access key id → secret access key (auth.awsAccessKeys). */
export type AccessKeys = Readonly<Record<string, string>>;

/** The request as received: what the signature covers. */
export interface SignedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** AWS accepts a signature dated at most 15 minutes from its own clock (either way). */
export const MAX_SKEW_MS = 15 * 60 * 1000;

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/,\s]{1,128})\/(\d{8})\/([a-z0-9-]{1,32})\/([a-z0-9-]{1,32})\/aws4_request, ?SignedHeaders=([a-z0-9-]+(?:;[a-z0-9-]+){0,63}), ?Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const header = (h: SignedRequest['headers'], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
};

const denied = (type: string, message: string): AwsError => new AwsError(type, message, 403);

/**
 * Checks the request's `Authorization` against `keys`; resolves with the access key id, or
 * throws the AwsError AWS answers with (all 4xx).
 */
export async function verifySigV4(req: SignedRequest, keys: AccessKeys, clock: Clock): Promise<string> {
  const auth = header(req.headers, 'authorization');
  if (auth === undefined) throw denied('MissingAuthenticationTokenException', 'Missing Authentication Token: sign the request with AWS Signature Version 4');
  const m = AUTH.exec(auth);
  if (m === null) throw new AwsError('IncompleteSignatureException', 'Authorization is not an AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=… header');
  const [, keyId, day, region, service, signedList, signature] = m as unknown as [string, string, string, string, string, string, string];
  const secret = Object.hasOwn(keys, keyId) ? keys[keyId] : undefined;
  if (secret === undefined) throw denied('UnrecognizedClientException', 'The security token included in the request is invalid.');
  const amzDate = header(req.headers, 'x-amz-date');
  const d = amzDate === undefined ? null : AMZ_DATE.exec(amzDate);
  if (d === null || amzDate === undefined || !amzDate.startsWith(day)) {
    throw new AwsError('IncompleteSignatureException', 'X-Amz-Date must be given as YYYYMMDDTHHMMSSZ and agree with the credential scope\'s date');
  }
  const signedAt = Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!, +d[4]!, +d[5]!, +d[6]!);
  if (Number.isNaN(signedAt) || Math.abs(clock.now() - signedAt) > MAX_SKEW_MS) {
    throw denied('InvalidSignatureException', 'Signature expired: the request is dated more than 15 minutes from the server\'s clock');
  }
  const signed = signedList.split(';');
  if (!signed.includes('host')) throw new AwsError('IncompleteSignatureException', 'SignedHeaders must include host');
  const bodyHash = createHash('sha256').update(req.body).digest('hex');
  const claimed = header(req.headers, 'x-amz-content-sha256');
  if (claimed !== undefined && claimed !== bodyHash) throw denied('InvalidSignatureException', 'x-amz-content-sha256 does not match the request body');
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const v = header(req.headers, name);
    if (v === undefined) throw new AwsError('IncompleteSignatureException', `signed header ${name} is missing from the request`);
    headers[name] = v;
  }
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query = Object.fromEntries(new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1)));
  const signer = new SignatureV4({ credentials: { accessKeyId: keyId, secretAccessKey: secret }, region, service, sha256: NodeSha256, applyChecksum: false });
  const again = await signer.sign(
    { method: req.method, protocol: 'http:', hostname: headers['host'] ?? '', path, query, headers, body: req.body },
    { signingDate: new Date(signedAt), signableHeaders: new Set(signed) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(again.headers['authorization'] ?? ''))?.[1] ?? '';
  if (expected.length !== 64 || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    throw denied('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
  }
  return keyId;
}
