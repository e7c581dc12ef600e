import type { Violation } from '../../../core/index.js';
import { basic, bearer, genericHmac, github, gitlab, none, shopify } from './signatures.js';
import { slack, standardWebhooks, stripe } from './timestamped.js';
import { dingtalk, feishu } from './callbacks.js';
import type { Secrets, Verification, VerifierKind, WebhookRequest } from './types.js';

export type { Secrets, Verification, VerifierKind, WebhookRequest, WebhookReply } from './types.js';
export { urlVerification } from './timestamped.js';
export { dingtalkDecrypt, dingtalkEncrypt, feishuDecrypt } from './callbacks.js';

const KINDS: readonly VerifierKind<never>[] = [
  none, github, gitlab, shopify, stripe, slack, standardWebhooks, genericHmac, basic, bearer, feishu, dingtalk,
] as unknown as VerifierKind<never>[];

const BY_KIND = new Map<string, VerifierKind<unknown>>(KINDS.map((k) => [k.kind, k as unknown as VerifierKind<unknown>]));

/** Adds a verification kind (the callback kinds register themselves this way). */
export function registerVerifier(k: VerifierKind<never>): void {
  BY_KIND.set(k.kind, k as unknown as VerifierKind<unknown>);
}

export function verifierKinds(): string[] {
  return [...BY_KIND.keys()];
}

/** A checked verification setting, ready to run. */
export interface CompiledVerifier {
  readonly kind: string;
  readonly connections: readonly string[];
  verify(req: WebhookRequest, secrets: Secrets, now: number): Verification;
}

export function checkVerifier(v: unknown, at: string, out: Violation[]): CompiledVerifier | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    out.push({ path: at, reason: `must be an object with a kind: ${verifierKinds().join(', ')}` });
    return undefined;
  }
  const o = v as Record<string, unknown>;
  const k = typeof o.kind === 'string' ? BY_KIND.get(o.kind) : undefined;
  if (k === undefined) {
    out.push({ path: `${at}/kind`, reason: `must be one of ${verifierKinds().join(', ')}` });
    return undefined;
  }
  const before = out.length;
  const c = k.check(o, at, out);
  if (c === undefined || out.length > before) return undefined;
  return { kind: k.kind, connections: k.connections(c), verify: (req, secrets, now) => k.verify(c, req, secrets, now) };
}
