/**
 * The CloudEvents "HTTP 1.1 Web Hooks" validation handshake, receiver side (§4.2): an `OPTIONS`
 * request carrying `WebHook-Request-Origin` is answered with `WebHook-Allowed-Origin` (the
 * origin asked for: Switchyard authenticates each delivery itself, by API key or the source's
 * verification) and `Allow: POST`; `WebHook-Request-Rate` is answered with
 * `WebHook-Allowed-Rate` (`*`: no limit, or the configured rate). An OPTIONS request without the
 * origin header is not a handshake (undefined).
 */
export interface HandshakeAnswer {
  readonly headers: Readonly<Record<string, string>>;
}

const ORIGIN = /^[!-~]{1,255}$/;

export function handshake(headers: Readonly<Record<string, string | string[] | undefined>>, allowedRate?: number): HandshakeAnswer | undefined {
  const origin = headers['webhook-request-origin'];
  if (typeof origin !== 'string' || !ORIGIN.test(origin.trim())) return undefined;
  const out: Record<string, string> = { 'webhook-allowed-origin': origin.trim(), allow: 'POST, OPTIONS' };
  const rate = headers['webhook-request-rate'];
  if (typeof rate === 'string') out['webhook-allowed-rate'] = allowedRate === undefined ? '*' : String(allowedRate);
  return { headers: out };
}
