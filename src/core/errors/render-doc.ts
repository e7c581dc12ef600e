import { errorAreas } from './registry.js';

/** Renders docs/errors.md from the registry; the file is generated, never edited by hand. */
export function renderErrorsDoc(): string {
  const out: string[] = [
    '<!-- Generated from src/core/errors by `npm run docs:errors`; do not edit. -->',
    '# Error codes',
    '',
    'Every error Switchyard returns over HTTP is an RFC 9457 `application/problem+json` document:',
    '',
    '```json',
    '{ "type": "https://switchyard.dev/errors#swy_event_invalid", "title": "Invalid CloudEvent", "status": 400,',
    '  "detail": "2 violations", "code": "SWY_EVENT_INVALID",',
    '  "violations": [ { "path": "/source", "reason": "required attribute is missing" } ] }',
    '```',
    '',
    '`code` is stable: scripts may rely on it. `violations` (validation errors only) holds one entry',
    'per problem found, each with a `path` (JSON pointer into the request, or the header name) and',
    'a `reason`. Internal causes are logged with the request id and never sent to the client.',
    '',
  ];
  for (const [area, table] of errorAreas) {
    const codes = Object.entries(table);
    if (codes.length === 0) continue;
    out.push(`## ${area}`, '', '| code | status | title | meaning |', '|---|---|---|---|');
    for (const [code, spec] of codes) {
      out.push(`| \`${code}\` | ${spec.status} | ${spec.title} | ${spec.doc.replace(/\|/g, '\\|')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
