/**
 * The standard OpenTelemetry environment variables (OpenTelemetry SDK configuration and OTLP
 * exporter specifications), read as the lowest layer of the config: defaults < OTEL_* <
 * switchyard.yaml < SWITCHYARD_* < flags, so a config key always wins over its OTEL_* variable.
 * The signal-specific variable (`…_TRACES_…`) wins over the general one, as the spec says.
 */
import { SwitchyardError, type Violation } from '../core/index.js';

type Env = Readonly<Record<string, string | undefined>>;

/** `k1=v1,k2=v2` (W3C Baggage-like lists of OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS), values percent-decoded. */
export function parseKeyValueList(name: string, text: string, violations: Violation[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of text.split(',')) {
    if (item.trim() === '') continue;
    const eq = item.indexOf('=');
    const key = eq < 0 ? '' : item.slice(0, eq).trim();
    if (key === '') {
      violations.push({ path: name, reason: `"${item.trim().slice(0, 64)}" is not key=value` });
      continue;
    }
    try {
      out[key] = decodeURIComponent(item.slice(eq + 1).trim());
    } catch {
      violations.push({ path: name, reason: `the value of "${key.slice(0, 64)}" is not valid percent-encoding` });
    }
  }
  return out;
}

const first = (env: Env, ...names: string[]): [string, string] | undefined => {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v.trim() !== '') return [n, v.trim()];
  }
  return undefined;
};

/** The `observe` keys the OTEL_* variables of `env` give, as a partial config object. */
export function otelEnvLayer(env: Env): Record<string, unknown> {
  const violations: Violation[] = [];
  const o: Record<string, unknown> = {};
  const endpoint = first(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (endpoint !== undefined) o['otlpEndpoint'] = endpoint[1];
  const traces = first(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (traces !== undefined) o['otlpTracesEndpoint'] = traces[1];
  const headers = first(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'OTEL_EXPORTER_OTLP_HEADERS');
  if (headers !== undefined) o['otlpHeaders'] = parseKeyValueList(headers[0], headers[1], violations);
  const protocol = first(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocol !== undefined) o['otlpProtocol'] = protocol[1];
  const timeout = first(env, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT');
  if (timeout !== undefined) o['otlpTimeoutMs'] = /^\d+$/.test(timeout[1]) ? Number(timeout[1]) : timeout[1];
  const resource = first(env, 'OTEL_RESOURCE_ATTRIBUTES');
  const attributes = resource === undefined ? {} : parseKeyValueList(resource[0], resource[1], violations);
  const service = first(env, 'OTEL_SERVICE_NAME')?.[1] ?? attributes['service.name'];
  delete attributes['service.name'];
  if (resource !== undefined) o['otlpResourceAttributes'] = attributes;
  if (service !== undefined && service !== '') o['otlpServiceName'] = service;
  const sampler = first(env, 'OTEL_TRACES_SAMPLER');
  if (sampler !== undefined) o['otlpSampler'] = sampler[1];
  const arg = first(env, 'OTEL_TRACES_SAMPLER_ARG');
  if (arg !== undefined) o['otlpSamplerArg'] = Number.isFinite(Number(arg[1])) ? Number(arg[1]) : arg[1];
  if (violations.length > 0) {
    throw new SwitchyardError('SWY_CONFIG_INVALID', `invalid configuration: ${violations.map((v) => `${v.path}: ${v.reason}`).join('; ')}`, { violations });
  }
  return Object.keys(o).length === 0 ? {} : { observe: o };
}
