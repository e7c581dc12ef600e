/**
 * Connections (outbound auth for http targets) and target signing secrets as stored. The
 * store never sees a secret in clear: `sealed` fields are AES-256-GCM blobs made by the
 * delivery layer (src/delivery/connections/secret-box.ts); the store only keeps them.
 */
export interface ConnectionRecord {
  readonly name: string;
  /** `basic` | `apiKey` | `oauth2` (validated by the delivery layer). */
  readonly kind: string;
  readonly description: string | null;
  /** The non-secret settings (username, header name, token URL, …), as JSON. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The secret settings (password, key, client secret), sealed. */
  readonly sealed: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewConnection {
  readonly name: string;
  readonly kind: string;
  readonly description: string | null;
  readonly config: Readonly<Record<string, unknown>>;
  readonly sealed: string;
}

/** One signing secret of a target; `expiresAt` is set when a rotation retires it. */
export interface StoredSigningSecret {
  readonly sealed: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
}

export interface ConnectionCatalog {
  /** Creates or replaces the connection; `created` tells which. */
  put(connection: NewConnection): Promise<{ connection: ConnectionRecord; created: boolean }>;
  get(name: string): Promise<ConnectionRecord | undefined>;
  list(): Promise<ConnectionRecord[]>;
  delete(name: string): Promise<boolean>;
  /** The signing secrets of a target (key `bus/rule/targetId`), newest first. */
  signingSecrets(targetKey: string): Promise<StoredSigningSecret[]>;
  /** Replaces the signing secrets of a target in one transaction. */
  setSigningSecrets(targetKey: string, secrets: readonly StoredSigningSecret[]): Promise<void>;
}
