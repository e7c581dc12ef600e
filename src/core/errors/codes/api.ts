import type { ErrorTable } from '../spec.js';

/** Error codes of the api area. Codes are stable: never rename or reuse one. */
export const apiErrors = {
  SWY_API_VALIDATION: { status: 400, title: 'Invalid request', doc: 'The request path, query or JSON body does not match the route schema; `violations` lists each problem.' },
  SWY_API_TOO_DEEP: { status: 400, title: 'JSON body nested too deeply', doc: 'A JSON request body nests deeper than `limits.maxJsonDepth` plus 8 levels of envelope (72 by default), checked before parsing. PutEvents is exempt: there each entry is checked alone (`SWY_EVENT_TOO_DEEP` in its result).' },
  SWY_API_MALFORMED_JSON: { status: 400, title: 'Malformed JSON', doc: 'The request body is not valid JSON (or is empty where JSON is required).' },
  SWY_API_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type', doc: 'The Content-Type is not accepted by this route (management routes take application/json).' },
  SWY_API_UNSUPPORTED_ENCODING: { status: 415, title: 'Unsupported content encoding', doc: 'The request has a `Content-Encoding` other than `identity` (e.g. `gzip`). Switchyard does not decompress request bodies: send the body uncompressed.' },
  SWY_API_TOO_MANY_HEADERS: { status: 431, title: 'Too many headers', doc: 'The request carries more headers than server.maxHeaderCount.' },
  SWY_API_UNAUTHORIZED: { status: 401, title: 'Unauthorized', doc: 'API keys are configured and the request has no valid `Authorization: Bearer <key>`.' },
  SWY_API_FORBIDDEN: { status: 403, title: 'Forbidden', doc: 'The API key lacks the scope this call needs (`put` to put events, `read` to read, `admin` to manage).' },
  SWY_API_INVALID_CURSOR: { status: 400, title: 'Invalid query', doc: 'A query parameter (after, limit, from, to) is malformed or out of range.' },
  SWY_API_MALFORMED_REQUEST: { status: 400, title: 'Malformed HTTP request', doc: 'The HTTP parser refused the request (e.g. a bare CR or LF in a header, obsolete line folding); the connection is closed.' },
  SWY_API_HEADERS_TOO_LARGE: { status: 431, title: 'Header block too large', doc: 'The request header block exceeds 16 KiB; the connection is closed.' },
  SWY_API_URI_TOO_LONG: { status: 414, title: 'Path segment too long', doc: 'A segment of the request path (a bus, rule or schema name, an event id, …) is longer than 4096 characters.' },
  SWY_API_BAD_URL: { status: 400, title: 'Malformed URL', doc: 'The request path cannot be decoded (e.g. a broken percent-encoding such as `%E0%A4%A`).' },
  SWY_API_BAD_REQUEST: { status: 400, title: 'Bad request', doc: 'The HTTP framework refused the request for a reason no finer code covers; `detail` says why.' },
  SWY_API_CONSOLE_NOT_BUILT: { status: 503, title: 'Console not built', doc: 'The web console (`/console`) has no build in `dist/console/`: run `npm run build` (which `npm start` runs) and reload.' },
  SWY_API_RULE_NOT_FOUND: { status: 404, title: 'Rule not found', doc: 'No rule with this name exists on the bus.' },
  SWY_API_INVALID_TARGETS: { status: 400, title: 'Invalid targets', doc: 'A rule holds at most 10 targets, each an object with a unique `id` and a `kind`; a target transform must compile. `violations` names each problem.' },
} as const satisfies ErrorTable;
