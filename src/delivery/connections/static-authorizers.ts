import type { Authorizer, AuthorizableRequest } from './types.js';

/** HTTP Basic (RFC 7617): `Authorization: Basic base64(user:password)`. Nothing to refresh. */
export function basicAuthorizer(username: string, password: string): Authorizer {
  const value = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  return {
    authorize: async (req: AuthorizableRequest) => {
      req.headers.authorization = value;
    },
    invalidate: () => false,
  };
}

/** An API key in a header or a query parameter. Nothing to refresh. */
export function apiKeyAuthorizer(where: 'header' | 'query', name: string, value: string): Authorizer {
  return {
    authorize: async (req: AuthorizableRequest) => {
      if (where === 'header') req.headers[name.toLowerCase()] = value;
      else req.url.searchParams.set(name, value);
    },
    invalidate: () => false,
  };
}
