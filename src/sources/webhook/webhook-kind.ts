import type { Violation } from '../../core/index.js';
import type { ConfigCheck, SourceCheckContext, SourceKind } from '../types.js';
import { checkVerifier, type CompiledVerifier } from './verify/index.js';

/** A webhook source's settings: how its requests are verified. */
export interface WebhookConfig {
  readonly verify: CompiledVerifier;
  /** The verification as given (stored and shown; connections named, never secrets). */
  readonly verifySpec: Readonly<Record<string, unknown>>;
}

export const WEBHOOK_KIND = 'webhook';

/**
 * `webhook`: a push source at `POST /v1/sources/{name}/webhook` (docs/sources.md#webhooks). Its
 * `verify` setting authenticates each request; `{ "kind": "none" }` is refused unless the server
 * listens on loopback only (and then takes loopback senders only).
 */
export const webhookKind: SourceKind<WebhookConfig> = {
  name: WEBHOOK_KIND,
  description: 'an HTTP endpoint for SaaS webhooks (GitHub, Stripe, Shopify, Slack, GitLab, Standard Webhooks, DingTalk, Feishu, generic HMAC, basic, bearer)',
  checkConfig(config: unknown, at: string, ctx: SourceCheckContext): ConfigCheck<WebhookConfig> {
    const out: Violation[] = [];
    const o = (typeof config === 'object' && config !== null && !Array.isArray(config) ? config : {}) as Record<string, unknown>;
    for (const k of Object.keys(o)) if (k !== 'verify') out.push({ path: `${at}/${k}`, reason: `unknown property "${k}" for a webhook source` });
    if (o.verify === undefined) {
      out.push({ path: `${at}/verify`, reason: 'is required: how requests are verified ({ "kind": "github", "connection": "…" }, …; { "kind": "none" } on a loopback-only server)' });
      return { ok: false, violations: out };
    }
    const verify = checkVerifier(o.verify, `${at}/verify`, out);
    if (verify?.kind === 'none' && !ctx.allowUnverified) out.push({ path: `${at}/verify/kind`, reason: 'a webhook source must verify its requests when the server listens beyond loopback' });
    if (verify === undefined || out.length > 0) return { ok: false, violations: out };
    return { ok: true, config: { verify, verifySpec: o.verify as Record<string, unknown> } };
  },
  connections: (c) => c.verify.connections,
};
