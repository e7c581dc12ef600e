/**
 * The AWS EventBridge envelope view of a CloudEvent (docs/aws-compatibility.md). Rules created
 * through the AWS API match their patterns against this view, so a pattern written for AWS
 * (`detail-type`, `detail`, `account`, …) behaves as on AWS. The mapping is one to one:
 *
 * | AWS field     | CloudEvent (JSON form)                                        |
 * |---------------|---------------------------------------------------------------|
 * | `version`     | always `"0"`                                                  |
 * | `id`          | `id`                                                          |
 * | `detail-type` | `type`                                                        |
 * | `source`      | `source`                                                      |
 * | `account`     | extension `awsaccount` (absent when the event has none)        |
 * | `time`        | `time` (absent when the event has none)                       |
 * | `region`      | extension `awsregion` (absent when the event has none)         |
 * | `resources`   | extension `awsresources`: a JSON array of strings, as text    |
 * | `detail`      | `data` (`{}` when the event has none, as AWS always has one)  |
 *
 * CloudEvents extension values are scalars, so the resources list travels as JSON text and
 * is parsed back here; text that is not an array of strings reads as no resources.
 */

/** Extension attributes carrying the AWS fields CloudEvents has no attribute for. */
export const AWS_EXTENSIONS = { account: 'awsaccount', region: 'awsregion', resources: 'awsresources' } as const;

function resourcesOf(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) && v.every((r) => typeof r === 'string') ? v : [];
  } catch {
    return [];
  }
}

/**
 * The AWS event a CloudEvent in JSON form stands for.
 * @example
 * awsEnvelopeOf({ specversion: '1.0', id: '1', source: 'shop', type: 'Order Placed', data: { n: 1 } });
 * // { version: '0', id: '1', 'detail-type': 'Order Placed', source: 'shop', resources: [], detail: { n: 1 } }
 */
export function awsEnvelopeOf(event: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { version: '0', id: event['id'], 'detail-type': event['type'], source: event['source'] };
  if (event[AWS_EXTENSIONS.account] !== undefined) out['account'] = event[AWS_EXTENSIONS.account];
  if (event['time'] !== undefined) out['time'] = event['time'];
  if (event[AWS_EXTENSIONS.region] !== undefined) out['region'] = event[AWS_EXTENSIONS.region];
  out['resources'] = resourcesOf(event[AWS_EXTENSIONS.resources]);
  out['detail'] = event['data'] ?? event['data_base64'] ?? {};
  return out;
}
