import type { ConnectionRecord, StoredSigningSecret } from './connection-types.js';

/** A connection as both backends store it (config as JSON text, secrets sealed). */
export interface ConnectionRow {
  name: string;
  kind: string;
  description: string | null;
  config: string;
  sealed: string;
  created_at: number;
  updated_at: number;
}

/** A target's signing secret as both backends store it. */
export interface SigningSecretRow { sealed: string; created_at: number; expires_at: number | null }

export const connectionRecordOf = (r: ConnectionRow): ConnectionRecord => ({
  name: r.name,
  kind: r.kind,
  description: r.description,
  config: JSON.parse(r.config) as Record<string, unknown>,
  sealed: r.sealed,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const signingSecretOf = (r: SigningSecretRow): StoredSigningSecret => ({ sealed: r.sealed, createdAt: r.created_at, expiresAt: r.expires_at });
