import { Agent, request } from 'undici';
import { isSwitchyardError, type Clock, type Service } from '../core/index.js';
import { findBlocked, guardedConnector, signWebhook, type SigningSecrets } from '../delivery/index.js';
import type { Store, TransactionRecord } from '../store/index.js';
import type { TransactionService } from './transaction-service.js';

export interface CheckerSettings {
  /** Check-backs of one transaction before `defaultOutcome` applies (config transactions.maxChecks). */
  readonly maxChecks: number;
  readonly defaultOutcome: 'rollback' | 'commit';
  /** How often due transactions are looked for (config transactions.checkIntervalMs). */
  readonly checkIntervalMs: number;
  /** Timeout of one check-back request (config transactions.checkTimeoutMs). */
  readonly checkTimeoutMs: number;
  /** Whether check URLs may resolve to loopback and private addresses (delivery.allowPrivateNetworks, resolved). */
  readonly allowPrivateNetworks: boolean;
  /** Ended transactions are kept this long for traces, then swept. */
  readonly keepEndedMs: number;
}

export interface CheckerLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A producer's answer to a check-back. */
export type CheckAnswer = { readonly answer: 'commit' | 'rollback' | 'unknown'; readonly detail?: string };

/** The signing secrets of a bus's check-backs: a keyring entry no rule can name (`$` is not allowed in rule names). */
export const checkSigningRef = (bus: string): { bus: string; rule: string; targetId: string } => ({ bus, rule: '$transactions', targetId: 'check' });

/** Transactions claimed per look: a check-back of each runs at once. */
const BATCH = 16;
/** Most bytes of a check-back answer read. */
const MAX_ANSWER_BYTES = 4096;

/**
 * Checks back with producers on transactions left open (docs/delay-and-transactions.md). Every
 * `checkIntervalMs` it claims the open transactions whose check-back fell due and asks each one's
 * check URL — a POST signed like webhooks (Standard Webhooks headers, the bus's check secret),
 * through the SSRF guard — `{ "transaction", "bus", "events", "check" }`. The answer
 * `{ "action": "commit" | "rollback" | "unknown" }` commits, rolls back or asks again after the
 * transaction's checkAfterMs; no answer (an error, a timeout, another status) counts as
 * unknown. After `maxChecks` check-backs — or at once for a transaction without a check URL —
 * the default outcome applies. Each check-back and the outcome are in the transaction's history.
 *
 * Time is the injected clock: `tick()` does one round, so tests move a ManualClock and call it.
 */
export class TransactionChecker implements Service {
  readonly name = 'transaction checker';
  readonly #store: Store;
  readonly #transactions: TransactionService;
  readonly #secrets: SigningSecrets;
  readonly #clock: Clock;
  readonly #settings: CheckerSettings;
  readonly #log: CheckerLog;
  readonly #agent: Agent;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(deps: { store: Store; transactions: TransactionService; secrets: SigningSecrets; clock: Clock; settings: CheckerSettings; log: CheckerLog }) {
    this.#store = deps.store;
    this.#transactions = deps.transactions;
    this.#secrets = deps.secrets;
    this.#clock = deps.clock;
    this.#settings = deps.settings;
    this.#log = deps.log;
    const t = deps.settings.checkTimeoutMs;
    this.#agent = new Agent({ connections: 8, headersTimeout: t, bodyTimeout: t, connect: deps.settings.allowPrivateNetworks ? { timeout: t } : guardedConnector({ timeout: t }) });
  }

  async start(): Promise<void> {
    this.#timer = setInterval(() => {
      if (this.#running !== undefined) return;
      this.#running = this.tick().catch((err: unknown) => this.#log.error({ err }, 'transaction check-backs failed')).finally(() => {
        this.#running = undefined;
      });
    }, this.#settings.checkIntervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
    await this.#agent.close();
  }

  /** One round: claims due transactions and checks back on each; answers how many it handled. Sweeps ended ones. */
  async tick(): Promise<number> {
    const now = this.#clock.now();
    // Claimed until the longest a round can take: a crash mid-round has them due again then.
    const due = await this.#store.transactions.claimDue(now, now + 2 * this.#settings.checkTimeoutMs + this.#settings.checkIntervalMs, BATCH);
    await Promise.all(due.map((tx) => this.#checkOne(tx)));
    await this.#store.transactions.sweepEnded(now - this.#settings.keepEndedMs, 1000);
    return due.length;
  }

  async #checkOne(tx: TransactionRecord): Promise<void> {
    try {
      if (tx.checkUrl === null) {
        await this.#applyDefault(tx, 'no check URL');
        return;
      }
      if (tx.checks >= this.#settings.maxChecks) {
        await this.#applyDefault(tx, `${tx.checks} check-back(s) without an answer`);
        return;
      }
      const n = tx.checks + 1;
      const a = await this.ask(tx, tx.checkUrl, n);
      const now = this.#clock.now();
      const recorded = await this.#store.transactions.recordCheck(tx.bus, tx.id, { type: 'check', at: now, n, answer: a.answer, ...(a.detail === undefined ? {} : { detail: a.detail }) }, now + tx.checkAfterMs);
      if (!recorded) return; // ended meanwhile (its producer committed or rolled back)
      if (a.answer === 'commit') await this.#end(tx, 'commit', 'check-back');
      else if (a.answer === 'rollback') await this.#end(tx, 'rollback', 'check-back');
      else if (n >= this.#settings.maxChecks) await this.#applyDefault(tx, `${n} check-back(s) without an answer`);
    } catch (err) {
      this.#log.error({ err, bus: tx.bus, transaction: tx.id }, 'transaction check-back failed; it is due again later');
    }
  }

  #applyDefault(tx: TransactionRecord, why: string): Promise<void> {
    return this.#end(tx, this.#settings.defaultOutcome, 'default', why);
  }

  async #end(tx: TransactionRecord, outcome: 'commit' | 'rollback', by: 'check-back' | 'default', detail?: string): Promise<void> {
    try {
      if (outcome === 'commit') await this.#transactions.commit(tx.bus, tx.id, by, detail);
      else await this.#transactions.rollback(tx.bus, tx.id, by, detail);
    } catch (err) {
      // Ended meanwhile by its producer, or gone with its bus: nothing left to do.
      if (isSwitchyardError(err) && (err.code === 'SWY_INGEST_TX_CLOSED' || err.code === 'SWY_INGEST_TX_NOT_FOUND')) return;
      throw err;
    }
  }

  /** Asks the producer (one signed POST); every failure is an `unknown` answer with the reason. */
  async ask(tx: TransactionRecord, url: string, n: number): Promise<CheckAnswer> {
    const body = Buffer.from(JSON.stringify({ transaction: tx.id, bus: tx.bus, events: tx.events, check: n, createdAt: new Date(tx.createdAt).toISOString() }));
    const secrets = await this.#secrets.activeSecrets(checkSigningRef(tx.bus), this.#clock.now());
    const signature = signWebhook(secrets, `${tx.id}.${n}`, Math.floor(this.#clock.now() / 1000), body);
    try {
      const res = await request(url, {
        method: 'POST', body, dispatcher: this.#agent, signal: AbortSignal.timeout(this.#settings.checkTimeoutMs),
        headers: { 'content-type': 'application/json', 'user-agent': 'switchyard-transaction-check', ...signature },
      });
      const text = await readCapped(res.body, MAX_ANSWER_BYTES);
      if (res.statusCode < 200 || res.statusCode > 299) return { answer: 'unknown', detail: `HTTP ${res.statusCode}` };
      return parseAnswer(text);
    } catch (err) {
      const blocked = findBlocked(err);
      return { answer: 'unknown', detail: blocked !== undefined ? blocked.message : err instanceof Error ? err.message : String(err) };
    }
  }
}

async function readCapped(body: AsyncIterable<Buffer>, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    if (size < max) chunks.push(c.subarray(0, max - size));
    size += c.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `{ "action": "commit" | "rollback" | "unknown" }`, case-insensitive; anything else is unknown. */
export function parseAnswer(text: string): CheckAnswer {
  let action: unknown;
  try {
    action = (JSON.parse(text) as { action?: unknown } | null)?.action;
  } catch {
    return { answer: 'unknown', detail: 'the answer is not JSON' };
  }
  const a = typeof action === 'string' ? action.toLowerCase() : undefined;
  if (a === 'commit' || a === 'rollback' || a === 'unknown') return { answer: a };
  return { answer: 'unknown', detail: 'the answer has no action commit, rollback or unknown' };
}
