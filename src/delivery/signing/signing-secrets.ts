/** Identifies the target a delivery goes to: the rule's bus, the rule and the target id. */
export interface TargetRef {
  readonly bus: string;
  readonly rule: string;
  readonly targetId: string;
}

/** A signing secret of a target, as listed by the API. `expiresAt` is set on a rotated-out secret. */
export interface SigningSecretEntry {
  readonly secret: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
}

/**
 * Where http targets get the secrets to sign with. `activeSecrets` returns every secret valid
 * at `now`, newest first (more than one only during a rotation's overlap), creating the
 * target's first secret when it has none — so every http delivery is signed.
 */
export interface SigningSecrets {
  activeSecrets(ref: TargetRef, now: number): Promise<readonly string[]>;
}
