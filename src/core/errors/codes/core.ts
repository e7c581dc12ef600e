import type { ErrorTable } from '../spec.js';

/** Error codes shared by every area. Codes are stable: never rename or reuse one. */
export const coreErrors = {
  SWY_INTERNAL: { status: 500, title: 'Internal error', doc: 'An unexpected failure inside Switchyard. The cause is logged with the request id; the client sees only this code.' },
  SWY_NOT_FOUND: { status: 404, title: 'Not found', doc: 'No route or resource matches the request path.' },
  SWY_UNAVAILABLE: { status: 503, title: 'Service unavailable', doc: 'The server is starting or shutting down; retry shortly.' },
} as const satisfies ErrorTable;
