import type { ErrorClass } from '../target.js';

/** A connection with its secrets in clear, as the http target uses it (never serialized). */
export type ConnectionSpec =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  /** `keyName`: the header or query parameter that carries `value`. */
  | { readonly kind: 'apiKey'; readonly in: 'header' | 'query'; readonly keyName: string; readonly value: string }
  | {
      readonly kind: 'oauth2';
      readonly tokenUrl: string;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly scope?: string;
      readonly audience?: string;
      /** How the client credentials reach the token endpoint: HTTP Basic (default) or form body. */
      readonly clientAuth: 'basic' | 'body';
    }
  /** A shared secret that signs requests (chat robot presets, the http target's hmac signer). */
  | { readonly kind: 'hmac'; readonly secret: string }
  /** AWS credentials for the http target's SigV4 signer. */
  | { readonly kind: 'aws'; readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };

/** The request an authorizer may change before it is sent. */
export interface AuthorizableRequest {
  readonly url: URL;
  readonly headers: Record<string, string>;
}

/** Failure to obtain credentials (e.g. the OAuth2 token endpoint refused); becomes a failed outcome. */
export class AuthorizationError extends Error {
  constructor(message: string, readonly errorClass: ErrorClass, readonly status?: number) {
    super(message);
    this.name = 'AuthorizationError';
  }
}

/**
 * Applies a connection to requests. `authorize` may fetch (OAuth2) and throws only
 * AuthorizationError. `invalidate` is called after a 401 so the next `authorize` fetches fresh
 * credentials; it returns false when there is nothing to refresh (a retry would not help).
 */
export interface Authorizer {
  authorize(req: AuthorizableRequest, signal: AbortSignal): Promise<void>;
  invalidate(): boolean;
}

/** Finds connections by name for http targets (implemented by ConnectionVault). */
export interface ConnectionResolver {
  /** The connection's authorizer, or undefined when no such connection exists. */
  authorizer(name: string): Promise<Authorizer | undefined>;
  /**
   * The connection with its secrets in clear, for targets that hand credentials to a client
   * library (broker targets put a basic connection's username and password in the broker URL).
   * Undefined when no such connection exists. The result is never stored or shown.
   */
  credentials(name: string): Promise<ConnectionSpec | undefined>;
}
