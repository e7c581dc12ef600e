import assert from 'node:assert/strict';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { test } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsError } from './protocol.js';
import { MAX_SKEW_MS, verifySigV4, type SignedRequest } from './sigv4.js';

const KEYS = { AKIATESTKEY000000001: 'secret-access-key-0000000001' };
const AT = Date.UTC(2026, 0, 2, 3, 4, 5);

const bytes = (d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof d === 'string' ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);

/** The hash the SDK signer takes, written here again so the test does not reuse the verifier's. */
class Sha256 {
  readonly #h: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(d: string | ArrayBuffer | ArrayBufferView): void {
    this.#h.update(bytes(d));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#h.digest()));
  }
  reset(): void {}
}

/** A request signed by the SDK's signer, as a client sends it. */
async function signed(body: string, secret = KEYS.AKIATESTKEY000000001, at = AT): Promise<SignedRequest> {
  const signer = new SignatureV4({ credentials: { accessKeyId: 'AKIATESTKEY000000001', secretAccessKey: secret }, region: 'us-east-1', service: 'events', sha256: Sha256 });
  const r = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 8080, path: '/', query: {}, body, headers: { host: '127.0.0.1:8080', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.ListRules' } }, { signingDate: new Date(at) });
  return { method: 'POST', url: '/', headers: r.headers, body: Buffer.from(body) };
}

const clock = { now: () => AT + 1000 };
const refused = (type: string) => (e: unknown): boolean => e instanceof AwsError && e.type === type && e.status >= 400 && e.status < 500;

test('sigv4 - a request signed by the SDK signer verifies, naming its key', async () => {
  assert.equal(await verifySigV4(await signed('{}'), KEYS, clock), 'AKIATESTKEY000000001');
});

test('sigv4 - another body, another secret, a stale date or a broken header are refused', async () => {
  const req = await signed('{"Limit":1}');
  await assert.rejects(verifySigV4({ ...req, body: Buffer.from('{"Limit":2}') }, KEYS, clock), refused('InvalidSignatureException'));
  await assert.rejects(verifySigV4(await signed('{}', 'another-secret-000000000000001'), KEYS, clock), refused('InvalidSignatureException'));
  await assert.rejects(verifySigV4(await signed('{}'), KEYS, { now: () => AT + MAX_SKEW_MS + 1000 }), refused('InvalidSignatureException'));
  await assert.rejects(verifySigV4({ ...req, headers: { ...req.headers, authorization: 'AWS4-HMAC-SHA256 garbage' } }, KEYS, clock), refused('IncompleteSignatureException'));
  await assert.rejects(verifySigV4({ ...req, headers: { ...req.headers, authorization: undefined } }, KEYS, clock), refused('MissingAuthenticationTokenException'));
  await assert.rejects(verifySigV4({ ...req, headers: { ...req.headers, 'x-amz-target': 'AWSEvents.DeleteRule' } }, KEYS, clock), refused('InvalidSignatureException'));
  await assert.rejects(verifySigV4(req, {}, clock), refused('UnrecognizedClientException'));
  // A hostile header is refused in one linear pass, whatever its length.
  await assert.rejects(verifySigV4({ ...req, headers: { ...req.headers, authorization: `AWS4-HMAC-SHA256 Credential=${'a/'.repeat(50000)}` } }, KEYS, clock), refused('IncompleteSignatureException'));
});
