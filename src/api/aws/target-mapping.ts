/**
 * An AWS rule target ↔ a Switchyard rule target (docs/aws-compatibility.md):
 *
 * | AWS                                   | Switchyard                                   |
 * |---------------------------------------|----------------------------------------------|
 * | `Id`                                  | `id`                                         |
 * | `Arn` of an event bus                 | `kind: "bus"`, `bus`                         |
 * | `Arn` an `https://` / `http://` URL    | `kind: "http"`, `url` (an API destination's endpoint) |
 * | `HttpParameters.HeaderParameters`     | `headers`                                    |
 * | `Input`, `InputPath`, `InputTransformer` | `transform` in the same AWS form, paths rewritten |
 * | `RetryPolicy`                          | `retry.maxAttempts`, `retry.maxAgeMs`        |
 * | `DeadLetterConfig.Arn` of an event bus | `deadLetter: { kind: "bus", bus }`          |
 *
 * AWS paths read the AWS envelope; stored events are CloudEvents, so the paths of InputPath and
 * InputPathsMap are rewritten to the attribute each AWS field is kept in (rules/aws-envelope.ts):
 * `$.detail…` → `$.data…`, `$.detail-type` → `$.type`, `$.account` → `$.awsaccount`,
 * `$.region` → `$.awsregion`; and back when targets are listed.
 */
import { AWS_EXTENSIONS } from '../../rules/index.js';
import { busArn, busOfArn, type ArnScope } from './arn.js';

export class TargetError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

const TO_CE: readonly [string, string][] = [['detail-type', 'type'], ['detail', 'data'], ['account', AWS_EXTENSIONS.account], ['region', AWS_EXTENSIONS.region]];

/** Rewrites the first member of a `$.a.b` path from one naming to the other; other paths are kept. */
function rewritePath(path: string, pairs: readonly (readonly [string, string])[]): string {
  for (const [from, to] of pairs) {
    if (path === `$.${from}` || path.startsWith(`$.${from}.`) || path.startsWith(`$.${from}[`)) return `$.${to}${path.slice(2 + from.length)}`;
  }
  return path;
}
const toCe = (p: string): string => rewritePath(p, TO_CE);
const toAws = (p: string): string => rewritePath(p, TO_CE.map(([a, c]) => [c, a] as const));

function mapTransform(t: Record<string, unknown>, map: (p: string) => string): Record<string, unknown> | undefined {
  if (typeof t['Input'] === 'string') return { Input: t['Input'] };
  if (typeof t['InputPath'] === 'string') return { InputPath: map(t['InputPath']) };
  const it = t['InputTransformer'];
  if (typeof it === 'object' && it !== null) {
    const { InputPathsMap, InputTemplate } = it as Record<string, unknown>;
    const paths = typeof InputPathsMap === 'object' && InputPathsMap !== null
      ? Object.fromEntries(Object.entries(InputPathsMap).map(([k, v]) => [k, typeof v === 'string' ? map(v) : v]))
      : InputPathsMap;
    return { InputTransformer: { ...(paths === undefined ? {} : { InputPathsMap: paths }), InputTemplate } };
  }
  return undefined;
}

const SUPPORTED = new Set(['Id', 'Arn', 'RoleArn', 'Input', 'InputPath', 'InputTransformer', 'RetryPolicy', 'DeadLetterConfig', 'HttpParameters']);

/** The Switchyard target for an AWS one; throws TargetError (its ErrorCode and message) when it cannot be mapped. */
export function fromAwsTarget(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TargetError('ValidationException', 'a target must be a JSON object');
  const t = raw as Record<string, unknown>;
  const unknown = Object.keys(t).filter((k) => !SUPPORTED.has(k) && t[k] !== null);
  if (unknown.length > 0) throw new TargetError('ValidationException', `not supported by Switchyard: ${unknown.join(', ')} (docs/aws-compatibility.md)`);
  const id = t['Id'];
  const arn = t['Arn'];
  if (typeof id !== 'string' || typeof arn !== 'string') throw new TargetError('ValidationException', 'Id and Arn are required strings');
  const out: Record<string, unknown> = { id };
  const bus = busOfArn(arn);
  if (bus !== undefined) {
    out['kind'] = 'bus';
    out['bus'] = bus;
  } else if (/^https?:\/\//.test(arn)) {
    out['kind'] = 'http';
    out['url'] = arn;
  } else {
    throw new TargetError('ValidationException', `Arn ${arn.slice(0, 200)} is neither an event bus ARN nor an http(s) endpoint URL: Switchyard delivers to buses and HTTP endpoints only`);
  }
  const http = t['HttpParameters'];
  if (http !== undefined && http !== null) {
    const h = http as Record<string, unknown>;
    if (out['kind'] !== 'http' || Object.keys(h).some((k) => k !== 'HeaderParameters')) throw new TargetError('ValidationException', 'HttpParameters: only HeaderParameters, and only for an http endpoint');
    out['headers'] = h['HeaderParameters'];
  }
  const transform = mapTransform(t, toCe);
  if (transform !== undefined) out['transform'] = transform;
  const rp = t['RetryPolicy'];
  if (rp !== undefined && rp !== null) {
    const r = rp as Record<string, unknown>;
    out['retry'] = {
      ...(r['MaximumRetryAttempts'] === undefined ? {} : { maxAttempts: r['MaximumRetryAttempts'] }),
      ...(r['MaximumEventAgeInSeconds'] === undefined ? {} : { maxAgeMs: typeof r['MaximumEventAgeInSeconds'] === 'number' ? r['MaximumEventAgeInSeconds'] * 1000 : r['MaximumEventAgeInSeconds'] }),
    };
  }
  const dl = t['DeadLetterConfig'];
  if (dl !== undefined && dl !== null) {
    const dlBus = busOfArn(String((dl as Record<string, unknown>)['Arn']));
    if (dlBus === undefined) throw new TargetError('ValidationException', 'DeadLetterConfig.Arn must be an event bus ARN: Switchyard has no SQS queues');
    out['deadLetter'] = { kind: 'bus', bus: dlBus };
  }
  return out;
}

/** The AWS form of a Switchyard target, for ListTargetsByRule; kinds AWS cannot name get the Arn `switchyard:<kind>`. */
export function toAwsTarget(t: Record<string, unknown>, scope: ArnScope): Record<string, unknown> {
  const out: Record<string, unknown> = { Id: t['id'] };
  if (t['kind'] === 'bus') out['Arn'] = busArn(scope, String(t['bus']));
  else if (t['kind'] === 'http') out['Arn'] = t['url'];
  else out['Arn'] = `switchyard:${String(t['kind'])}`;
  if (t['headers'] !== undefined) out['HttpParameters'] = { HeaderParameters: t['headers'] };
  if (typeof t['transform'] === 'object' && t['transform'] !== null) Object.assign(out, mapTransform(t['transform'] as Record<string, unknown>, toAws) ?? {});
  const r = t['retry'] as Record<string, unknown> | undefined;
  if (typeof r === 'object' && r !== null) {
    out['RetryPolicy'] = {
      ...(r['maxAttempts'] === undefined ? {} : { MaximumRetryAttempts: r['maxAttempts'] }),
      ...(typeof r['maxAgeMs'] === 'number' ? { MaximumEventAgeInSeconds: Math.floor(r['maxAgeMs'] / 1000) } : {}),
    };
  }
  const d = t['deadLetter'] as Record<string, unknown> | undefined;
  if (d?.['kind'] === 'bus') out['DeadLetterConfig'] = { Arn: busArn(scope, String(d['bus'])) };
  return out;
}
