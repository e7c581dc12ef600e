export { ConnectionVault, type ConnectionView, type ConnectionVaultOptions } from './vault.js';
export { SecretBox } from './secret-box.js';
export { loadSecretKey, SECRET_KEY_FILE } from './secret-key.js';
export { checkConnectionBody, CONNECTION_KINDS, SECRET_FIELDS, type ConnectionKind } from './connection-spec.js';
export { OAuth2Authorizer, REFRESH_MARGIN_MS } from './oauth2-authorizer.js';
export { AuthorizationError, type Authorizer, type AuthorizableRequest, type ConnectionResolver, type ConnectionSpec } from './types.js';
