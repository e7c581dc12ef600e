import type { ErrorTable } from '../spec.js';

/** Error codes of the transform area. Codes are stable: never rename or reuse one. */
export const transformErrors = {
  SWY_TRANSFORM_INVALID: { status: 400, title: 'Invalid transformer', doc: 'The transformer of a target (or of a transform test) is not valid. `violations[]` lists each problem with its path (e.g. `/transform/template`); each may carry a finer code below. See docs/transformers.md.' },
  SWY_TRANSFORM_SHAPE: { status: 400, title: 'Malformed transformer', doc: 'A transformer field is missing, unknown, or of the wrong type (e.g. `type` is not one of complete, partial, constant, template, or `path` is not a string).' },
  SWY_TRANSFORM_JSONPATH: { status: 400, title: 'Invalid JSONPath', doc: 'A JSONPath is outside the supported subset (root `$`, dot and bracket members, array index, wildcard). The reason names the offset and the unsupported construct.' },
  SWY_TRANSFORM_VARIABLE_NAME: { status: 400, title: 'Invalid variable name', doc: 'A template variable name must match `[A-Za-z0-9_-]+`; names starting with `aws.` or `switchyard.` are reserved for predefined variables.' },
  SWY_TRANSFORM_UNKNOWN_VARIABLE: { status: 400, title: 'Unknown template variable', doc: 'A template placeholder names a variable that is neither declared in `variables` / `InputPathsMap` nor predefined.' },
  SWY_TRANSFORM_TEMPLATE_NOT_JSON: { status: 400, title: 'Template cannot produce valid JSON', doc: 'The template looks like JSON (starts with `{` or `[`, or `format` is `json`) but is not valid JSON with its placeholders filled, or a placeholder sits in an object key or an escape sequence. Fix the template or set `"format": "text"`.' },
  SWY_TRANSFORM_OUTPUT_TOO_LARGE: { status: 400, title: 'Transformer output too large', doc: 'A transformer would produce more than `limits.maxTransformOutputBytes` (default: `limits.maxEventBytes`, 256 KiB): a constant or a template\'s literal text over it is refused when the rule is saved; a template that renders over it for an event (a large value repeated) fails the transform test, and at delivery dead-letters the delivery with this reason (no retry can fix it). Rendering stops as soon as the output passes the limit.' },
  SWY_TRANSFORM_TEST_EVENT: { status: 400, title: 'Invalid event for a transform test', doc: 'The `event` of a transform test must be a CloudEvent in its JSON form: a JSON object with attributes at top level and the payload under `data`.' },
} as const satisfies ErrorTable;
