import { KeyedLock } from '../../core/index.js';
import type { ConnectionCatalog, StoredSigningSecret } from '../../store/index.js';
import type { SecretBox } from '../connections/secret-box.js';
import type { SigningSecretEntry, SigningSecrets, TargetRef } from './signing-secrets.js';
import { generateWebhookSecret } from './webhook-secret.js';

const keyOf = (ref: TargetRef): string => `${ref.bus}/${ref.rule}/${ref.targetId}`;

/**
 * Signing secrets per target, sealed in the store. A target gets its first secret on first
 * use. `rotate` makes a new secret the primary and keeps the old ones valid for `overlapMs`,
 * during which deliveries carry one signature per valid secret; expired secrets are dropped
 * at the next rotation. Decrypted secrets are cached per target (invalidated by rotate, and by
 * {@link secretsChanged} when the catalog's change feed announces a rotation made elsewhere).
 */
export class SigningKeyring implements SigningSecrets {
  readonly #catalog: ConnectionCatalog;
  readonly #box: SecretBox;
  readonly #cache = new Map<string, readonly SigningSecretEntry[]>();
  /**
   * Reads and writes of one target's secrets, one at a time: the first use (read, none, create)
   * and a rotation (read, expire, add) are read-then-write sequences that must not interleave.
   */
  readonly #lock = new KeyedLock();
  /** Bumped by every change announced for a target: a read begun before it is not cached. */
  readonly #generation = new Map<string, number>();

  constructor(catalog: ConnectionCatalog, box: SecretBox) {
    this.#catalog = catalog;
    this.#box = box;
  }

  /** Every secret of the target, newest first, including expired ones not yet dropped. */
  list(ref: TargetRef, now: number): Promise<readonly SigningSecretEntry[]> {
    const key = keyOf(ref);
    const cached = this.#cache.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    return this.#lock.run(key, () => this.#load(key, now));
  }

  async activeSecrets(ref: TargetRef, now: number): Promise<readonly string[]> {
    return (await this.list(ref, now)).filter((e) => e.expiresAt === null || e.expiresAt > now).map((e) => e.secret);
  }

  /** Under the target's lock: reads its secrets (creating the first one), caches them unless they changed meanwhile. */
  async #load(key: string, now: number): Promise<readonly SigningSecretEntry[]> {
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    let generation = this.#generation.get(key);
    let stored = await this.#catalog.signingSecrets(key);
    if (stored.length === 0) {
      stored = [this.#sealNew(key, now)];
      await this.#catalog.setSigningSecrets(key, stored);
      // Its own write was announced (the feed bumped the generation): what it wrote is current.
      generation = this.#generation.get(key);
    }
    const entries = stored.map((s) => ({ secret: this.#box.open(s.sealed, key), createdAt: s.createdAt, expiresAt: s.expiresAt }));
    if (this.#generation.get(key) === generation) this.#cache.set(key, entries);
    return entries;
  }

  /**
   * Starts a rotation: a new primary secret (or `secret`, when given in whsec_ form); every
   * currently valid secret stays valid until `now + overlapMs`. Returns the new secret list.
   */
  rotate(ref: TargetRef, now: number, overlapMs: number, secret?: string): Promise<readonly SigningSecretEntry[]> {
    const key = keyOf(ref);
    return this.#lock.run(key, async () => {
      const kept: StoredSigningSecret[] = (await this.#catalog.signingSecrets(key))
        .filter((s) => s.expiresAt === null || s.expiresAt > now)
        .map((s) => ({ ...s, expiresAt: Math.min(s.expiresAt ?? Infinity, now + overlapMs) }));
      const fresh = this.#sealNew(key, Math.max(now, ...kept.map((s) => s.createdAt + 1)), secret);
      await this.#catalog.setSigningSecrets(key, [fresh, ...kept]);
      this.#cache.delete(key);
      return this.#load(key, now);
    });
  }

  /** The target's secrets changed in the store (the change feed; `targetKey` is `bus/rule/target`): read again on next use. */
  secretsChanged(targetKey: string): void {
    this.#cache.delete(targetKey);
    this.#generation.set(targetKey, (this.#generation.get(targetKey) ?? 0) + 1);
  }

  #sealNew(key: string, createdAt: number, secret = generateWebhookSecret()): StoredSigningSecret {
    return { sealed: this.#box.seal(secret, key), createdAt, expiresAt: null };
  }
}
