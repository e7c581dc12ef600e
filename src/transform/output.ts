import type { JsonObject, JsonValue } from '../core/index.js';

/**
 * What a transformer produces, tagged by format:
 * - `event`: the whole CloudEvent (the `complete` kind); `json` is the event itself.
 * - `json`: a JSON document; `json` is present when it was at hand without parsing `body`
 *   (partial, constant), absent for templates (parse `body` if you need the value).
 * - `text`: plain UTF-8 text.
 * Invariant: `body` is the exact bytes to send (as a string), valid JSON for `event`/`json`.
 */
export type TransformOutput =
  | { readonly format: 'event'; readonly contentType: typeof CONTENT_TYPE.event; readonly body: string; readonly json: JsonObject }
  | { readonly format: 'json'; readonly contentType: typeof CONTENT_TYPE.json; readonly body: string; readonly json?: JsonValue }
  | { readonly format: 'text'; readonly contentType: typeof CONTENT_TYPE.text; readonly body: string };

export type OutputFormat = TransformOutput['format'];

/** The media type of each output format. */
export const CONTENT_TYPE = Object.freeze({
  event: 'application/cloudevents+json',
  json: 'application/json',
  text: 'text/plain; charset=utf-8',
} as const);

/** The output as a JSON value: the parsed document for event/json, the string for text. */
export function outputValue(output: TransformOutput): JsonValue {
  switch (output.format) {
    case 'event':
      return output.json;
    case 'json':
      return output.json !== undefined ? output.json : (JSON.parse(output.body) as JsonValue);
    case 'text':
      return output.body;
  }
}

/** The attributes kept when the output replaces an event's data: all but data and its schema. */
function keptAttributes(event: JsonObject, contentType: string): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(event)) {
    // dataschema described the old data, so it no longer applies.
    if (k !== 'data' && k !== 'data_base64' && k !== 'dataschema' && k !== 'datacontenttype') out[k] = event[k] as JsonValue;
  }
  out.datacontenttype = contentType;
  return out;
}

/**
 * Delivery "as the data of a CloudEvent": the event (JSON form) with its attributes kept, the
 * transformer output as `data`, `datacontenttype` set to the output's media type and
 * `dataschema` dropped. A `complete` output is the event itself and is returned unchanged.
 *
 * @example applyToEvent(event, compiled.run(event, ctx)) // → { specversion, id, …, data: output }
 */
export function applyToEvent(event: JsonObject, output: TransformOutput): JsonObject {
  if (output.format === 'event') return output.json;
  const out = keptAttributes(event, output.contentType);
  out.data = outputValue(output);
  return out;
}

/**
 * Like {@link applyToEvent} but returns the structured-mode JSON text directly, splicing the
 * output body in without parsing it (templates never need a JSON.parse on the hot path).
 */
export function applyToEventText(event: JsonObject, output: TransformOutput): string {
  if (output.format === 'event') return output.body;
  const attrs = JSON.stringify(keptAttributes(event, output.contentType));
  const data = output.format === 'json' ? output.body : JSON.stringify(output.body);
  // attrs always holds datacontenttype, so it is never "{}" and a comma is always right.
  return `${attrs.slice(0, -1)},"data":${data}}`;
}
