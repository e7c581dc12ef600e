// fast-check arbitraries for valid CloudEvents, shared by the src/events property tests.
import fc from 'fast-check';
import { createEvent, type CloudEvent, type CreateEventData } from '../../src/events/index.js';
import { checkAttributeName, checkString, checkUriReference } from '../../src/events/attribute-types.js';

/** Any CloudEvents String (non-empty when asked): arbitrary code points minus the forbidden ones. */
export const ceString = (minLength = 0): fc.Arbitrary<string> =>
  fc.string({ unit: 'binary', minLength, maxLength: 24 }).filter((s) => checkString(s) === undefined);

export const uriReference: fc.Arbitrary<string> = fc
  .oneof(
    fc.webUrl({ withFragments: true, withQueryParameters: true }),
    fc.webPath().map((p) => (p === '' ? '/' : p)),
    fc.uuid().map((u) => `urn:uuid:${u}`),
    fc.constantFrom('#fragment', '1-555-123-4567', 'mailto:a@example.com', '//authority/path', '/a%20b'),
  )
  .filter((s) => s.length > 0 && checkUriReference(s) === undefined);

export const timestamp: fc.Arbitrary<string> = fc
  .tuple(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), fc.constantFrom('Z', '+01:00', '-05:30', '.123456789Z'))
  .map(([d, suffix]) => d.toISOString().slice(0, 19) + suffix);

// fast-check favours names such as `constructor` (refused: an Object.prototype member), so every
// drawn name goes through the codec's own check.
const extName = fc.stringMatching(/^[a-z0-9]{1,20}$/).filter((n) => checkAttributeName(n) === undefined && !['specversion', 'id', 'source', 'type', 'datacontenttype', 'dataschema', 'subject', 'time'].includes(n));
export const extensionValue = fc.oneof(ceString(), fc.integer({ min: -2147483648, max: 2147483647 }), fc.boolean());

/** JSON text, including number literals a double cannot hold exactly. */
const jsonText: fc.Arbitrary<string> = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => `{"big":${n},"list":[${n}, 1.50, -0.0e+1]}`),
);

type DataCase = { data: CreateEventData; datacontenttype?: string };
const dataCase: fc.Arbitrary<DataCase> = fc.oneof(
  fc.constant<DataCase>({ data: { kind: 'none' } }),
  fc.tuple(jsonText, fc.constantFrom(undefined, 'application/json', 'application/cloudevents+json', 'text/json; charset=utf-8')).map(([text, ct]): DataCase => (ct === undefined ? { data: { kind: 'json', text } } : { data: { kind: 'json', text }, datacontenttype: ct })),
  fc.tuple(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('text/plain', 'text/csv; charset=utf-8', 'application/xml')).map(([text, ct]): DataCase => ({ data: { kind: 'text', text }, datacontenttype: ct })),
  fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(undefined, 'application/octet-stream', 'image/png')).map(([bytes, ct]): DataCase => (ct === undefined ? { data: { kind: 'binary', bytes } } : { data: { kind: 'binary', bytes }, datacontenttype: ct })),
);

/** Arbitrary valid events, built through createEvent (so the generator cannot produce invalid ones). */
export const cloudEvent: fc.Arbitrary<CloudEvent> = fc
  .record(
    {
      id: ceString(1),
      source: uriReference,
      type: ceString(1),
      subject: ceString(1),
      time: timestamp,
      dataschema: fc.webUrl(),
      extensions: fc.dictionary(extName, extensionValue, { maxKeys: 5 }),
      dataCase,
    },
    { requiredKeys: ['id', 'source', 'type', 'extensions', 'dataCase'] },
  )
  .map(({ dataCase: dc, ...rest }) => createEvent({ ...rest, ...dc }));
