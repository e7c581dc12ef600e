import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSwitchyardError } from '../core/index.js';
import { loadConfig } from './load.js';

test('config otel - the standard OTEL_* variables fill the observe keys', () => {
  const c = loadConfig({
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otlp.example.com/v1/traces',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=secret%3D1, x-b=2', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-resource,host.name=h1', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25',
    },
  }).observe;
  assert.equal(c.otlpEndpoint, 'https://otlp.example.com');
  assert.equal(c.otlpTracesEndpoint, 'https://otlp.example.com/v1/traces');
  assert.deepEqual(c.otlpHeaders, { 'api-key': 'secret=1', 'x-b': '2' });
  assert.equal(c.otlpProtocol, 'http/json');
  assert.equal(c.otlpTimeoutMs, 2500);
  assert.equal(c.otlpServiceName, 'from-resource', 'service.name of OTEL_RESOURCE_ATTRIBUTES without OTEL_SERVICE_NAME');
  assert.deepEqual(c.otlpResourceAttributes, { 'host.name': 'h1' });
  assert.equal(c.otlpSampler, 'parentbased_traceidratio');
  assert.equal(c.otlpSamplerArg, 0.25);
});

test('config otel - the signal-specific variable wins over the general one; OTEL_SERVICE_NAME over the resource', () => {
  const c = loadConfig({
    env: {
      OTEL_EXPORTER_OTLP_HEADERS: 'a=general', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'a=traces', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf', OTEL_SERVICE_NAME: 'svc', OTEL_RESOURCE_ATTRIBUTES: 'service.name=other',
    },
  }).observe;
  assert.deepEqual(c.otlpHeaders, { a: 'traces' });
  assert.equal(c.otlpProtocol, 'http/protobuf');
  assert.equal(c.otlpServiceName, 'svc');
});

test('config otel - a config key wins over its OTEL_* variable, a map as a whole', () => {
  const c = loadConfig({
    env: { OTEL_SERVICE_NAME: 'env', OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=2', SWITCHYARD_OBSERVE_OTLP_SERVICE_NAME: 'switchyard-env', OTEL_TRACES_SAMPLER: 'always_off' },
    overrides: { observe: { otlpHeaders: { c: '3' } } },
  }).observe;
  assert.equal(c.otlpServiceName, 'switchyard-env');
  assert.deepEqual(c.otlpHeaders, { c: '3' });
  assert.equal(c.otlpSampler, 'always_off', 'unset keys still come from OTEL_*');
});

test('config otel - bad OTEL_* values are refused naming the key', () => {
  const bad = (env: Record<string, string>, path: RegExp): void => {
    assert.throws(() => loadConfig({ env }), (e) => isSwitchyardError(e) && e.code === 'SWY_CONFIG_INVALID' && e.violations.some((v) => path.test(v.path)));
  };
  bad({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /observe\.otlpProtocol/);
  bad({ OTEL_TRACES_SAMPLER: 'jaeger_remote' }, /observe\.otlpSampler/);
  bad({ OTEL_TRACES_SAMPLER_ARG: '2' }, /observe\.otlpSamplerArg/);
  bad({ OTEL_EXPORTER_OTLP_HEADERS: 'novalue' }, /OTEL_EXPORTER_OTLP_HEADERS/);
  bad({ OTEL_EXPORTER_OTLP_HEADERS: 'a=%zz' }, /OTEL_EXPORTER_OTLP_HEADERS/);
  bad({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /observe\.otlpEndpoint/);
});
