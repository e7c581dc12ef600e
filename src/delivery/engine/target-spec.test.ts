import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY, RETRY_PRESETS } from './retry-policy.js';
import type { RuleTarget } from './rule-target.js';
import { DEFAULT_TIMEOUT_MS, resolveTargetSpec, validateTargets } from './target-spec.js';

const http = (o: Record<string, unknown> = {}): RuleTarget => ({ id: 't1', kind: 'http', url: 'https://hooks.example/in', ...o }) as RuleTarget;
const defaults = { concurrency: 32, breakerFailureThreshold: 5, breakerOpenMs: 30_000 };

/** The violations of a one-target rule, as "path: reason" lines. */
const problems = (t: unknown): string[] => validateTargets([t]).map((v) => `${v.path}: ${v.reason}`);

test('target spec - a full valid spec has no violations and resolves with its values', () => {
  const t = http({
    retry: { preset: 'backoff', maxAttempts: 2 }, timeoutMs: 5000, concurrency: 4, rateLimit: { perSecond: 20, burst: 5 },
    circuitBreaker: { failureThreshold: 3, openMs: 1000 }, deadLetter: { kind: 'log' },
  });
  assert.deepEqual(validateTargets([t, { id: 'ordered', kind: 'log', ordering: { groupBy: 'partitionkey' } }]), []);
  const s = resolveTargetSpec(t, 't1', defaults);
  assert.equal(s.retry.maxAttempts, 2);
  assert.deepEqual(s.retry.schedule, RETRY_PRESETS.backoff.schedule);
  assert.equal(s.timeoutMs, 5000);
  assert.equal(s.concurrency, 4);
  assert.deepEqual(s.rateLimit, { perSecond: 20, burst: 5 });
  assert.deepEqual(s.circuitBreaker, { failureThreshold: 3, openMs: 1000 });
  assert.deepEqual(s.deadLetter, { kind: 'log' });
  assert.equal(s.groupBy, undefined);
});

test('target spec - defaults: retry policy, 10 s timeout, engine concurrency and breaker, burst = ceil(rate)', () => {
  const s = resolveTargetSpec(http({ rateLimit: { perSecond: 2.5 }, batch: { maxBatchSize: 10 }, ordering: undefined }), 't1', defaults);
  assert.equal(s.retry, DEFAULT_POLICY);
  assert.equal(s.timeoutMs, DEFAULT_TIMEOUT_MS);
  assert.equal(s.concurrency, 32);
  assert.deepEqual(s.circuitBreaker, { failureThreshold: 5, openMs: 30_000 });
  assert.deepEqual(s.rateLimit, { perSecond: 2.5, burst: 3 });
  assert.deepEqual(s.batch, { maxBatchSize: 10, maxBatchWindowMs: 0 });
  assert.equal(s.sendAs, 'data');
  assert.equal(resolveTargetSpec(http({ ordering: { groupBy: 'subject' } }), 't1', defaults).groupBy, 'subject');
});

test('target spec - targets must be an array of at most 10 with unique, well-formed ids', () => {
  assert.deepEqual(validateTargets({}), [{ path: '/targets', reason: 'must be an array' }]);
  const eleven = Array.from({ length: 11 }, (_, i) => http({ id: `t${i}` }));
  assert.deepEqual(validateTargets(eleven), [{ path: '/targets', reason: 'at most 10 targets per rule' }]);
  assert.deepEqual(validateTargets([http(), http()]).map((v) => v.path + ': ' + v.reason), ['/targets/1/id: duplicate target id "t1"']);
  assert.deepEqual(problems(http({ id: '-bad' })).map((p) => p.split(':')[0]), ['/targets/0/id']);
  assert.deepEqual(problems(http({ id: 'x'.repeat(65) })).map((p) => p.split(':')[0]), ['/targets/0/id']);
  assert.deepEqual(problems(42), ['/targets/0: must be an object']);
  assert.deepEqual(problems({ id: 'a', kind: 'pigeon' }).map((p) => p.split(':')[0]), ['/targets/0/kind']);
});

test('target spec - bad retry settings are rejected with the precise path and reason', () => {
  assert.deepEqual(problems(http({ retry: 'forever' })), ['/targets/0/retry: must be "backoff", "exponential-decay" or an object']);
  assert.deepEqual(problems(http({ retry: { preset: 'linear' } })), ['/targets/0/retry/preset: must be "backoff" or "exponential-decay"']);
  assert.deepEqual(problems(http({ retry: { maxAttempts: 186 } })), ['/targets/0/retry/maxAttempts: must be an integer from 0 to 185']);
  assert.deepEqual(problems(http({ retry: { maxAttempts: -1 } })), ['/targets/0/retry/maxAttempts: must be an integer from 0 to 185']);
  assert.deepEqual(problems(http({ retry: { maxAttempts: 0 } })), []);
  assert.deepEqual(problems(http({ retry: { maxAgeMs: 59_999 } })), ['/targets/0/retry/maxAgeMs: must be an integer from 60000 (60 s) to 86400000 (24 h)']);
  assert.deepEqual(problems(http({ retry: { maxAgeMs: 86_400_001 } })), ['/targets/0/retry/maxAgeMs: must be an integer from 60000 (60 s) to 86400000 (24 h)']);
  assert.deepEqual(problems(http({ retry: { maxAgeMs: 60_000 } })), []);
  assert.deepEqual(problems(http({ retry: { baseMs: 1000, capMs: 500 } })), ['/targets/0/retry/capMs: must be ≥ baseMs']);
  assert.deepEqual(problems(http({ retry: { jitter: 'half' } })), ['/targets/0/retry/jitter: must be "full" or "none"']);
  assert.deepEqual(problems(http({ retry: { nonRetryableStatuses: [404, 700] } })), ['/targets/0/retry/nonRetryableStatuses: must be an array of HTTP status codes (100-599)']);
  assert.deepEqual(problems(http({ retry: { retryAfterCapMs: -1 } })), ['/targets/0/retry/retryAfterCapMs: must be an integer from 0 to 86400000']);
});

test('target spec - bad flow-control settings are rejected with the precise path and reason', () => {
  assert.deepEqual(problems(http({ timeoutMs: 60_001 })), ['/targets/0/timeoutMs: must be an integer from 1 to 60000']);
  assert.deepEqual(problems(http({ concurrency: 0 })), ['/targets/0/concurrency: must be an integer from 1 to 1024']);
  assert.deepEqual(problems(http({ rateLimit: { perSecond: 0 } })), ['/targets/0/rateLimit/perSecond: must be a number of events per second, > 0 and ≤ 1000000']);
  assert.deepEqual(problems(http({ rateLimit: 5 })), ['/targets/0/rateLimit/perSecond: must be a number of events per second, > 0 and ≤ 1000000']);
  assert.deepEqual(problems(http({ rateLimit: { perSecond: 5, burst: 0.5 } })), ['/targets/0/rateLimit/burst: must be an integer from 1 to 1000000']);
  assert.deepEqual(problems(http({ circuitBreaker: { failureThreshold: 0, openMs: 99 } })), [
    '/targets/0/circuitBreaker/failureThreshold: must be an integer from 1 to 10000',
    '/targets/0/circuitBreaker/openMs: must be an integer from 100 to 3600000',
  ]);
  assert.deepEqual(problems(http({ circuitBreaker: true })), ['/targets/0/circuitBreaker: must be an object { failureThreshold?, openMs? }']);
});

test('target spec - batching is for http only, bounded, and not combined with ordering', () => {
  assert.deepEqual(problems(http({ batch: { maxBatchSize: 1001 } })), ['/targets/0/batch/maxBatchSize: must be an integer from 1 to 1000']);
  assert.deepEqual(problems(http({ batch: { maxBatchSize: 10, maxBatchWindowMs: 60_001 } })), ['/targets/0/batch/maxBatchWindowMs: must be an integer from 0 to 60000']);
  assert.deepEqual(problems({ id: 'l', kind: 'log', batch: { maxBatchSize: 10 } }), ['/targets/0/batch: batching is supported by http targets only']);
  assert.deepEqual(problems(http({ batch: { maxBatchSize: 10 }, ordering: { groupBy: 'subject' } })), ['/targets/0/batch: cannot be combined with ordering']);
  assert.deepEqual(problems(http({ batch: [] })), ['/targets/0/batch: must be an object { maxBatchSize, maxBatchWindowMs? }']);
});

test('target spec - ordering needs an attribute name', () => {
  const reason = '/targets/0/ordering/groupBy: must be "partitionkey", "subject" or another attribute name (a-z0-9)';
  assert.deepEqual(problems(http({ ordering: {} })), [reason]);
  assert.deepEqual(problems(http({ ordering: { groupBy: 'Partition-Key' } })), [reason]);
  assert.deepEqual(problems(http({ ordering: 'subject' })), [reason]);
  assert.deepEqual(problems(http({ ordering: { groupBy: 'tenant' } })), []);
});

test('target spec - a dead-letter target is a full target without its own dead letter, ordering or batch', () => {
  assert.deepEqual(problems(http({ deadLetter: 'queue' })), ['/targets/0/deadLetter: must be a target object ({ kind, … })']);
  assert.deepEqual(problems(http({ deadLetter: { kind: 'http', url: 'ftp://x' } })), ['/targets/0/deadLetter/url: scheme must be http or https']);
  assert.deepEqual(problems(http({ deadLetter: { kind: 'log', deadLetter: { kind: 'log' } } })), ['/targets/0/deadLetter/deadLetter: a dead-letter target has no dead-letter target of its own']);
  assert.deepEqual(problems(http({ deadLetter: { kind: 'log', ordering: { groupBy: 'subject' } } })), ['/targets/0/deadLetter/ordering: is not supported on a dead-letter target']);
  assert.deepEqual(problems(http({ deadLetter: { kind: 'log', retry: { maxAttempts: 999 } } })), ['/targets/0/deadLetter/retry/maxAttempts: must be an integer from 0 to 185']);
});

test('target spec - every problem of every target is reported, each once', () => {
  const v = validateTargets([http({ url: 'nope', timeoutMs: 0 }), http({ id: 't2', sendAs: 'xml', retry: { maxAttempts: 1.5 } })]);
  assert.deepEqual(v.map((x) => x.path), ['/targets/0/url', '/targets/0/timeoutMs', '/targets/1/sendAs', '/targets/1/retry/maxAttempts']);
});

test('target spec - unknown fields are refused, one violation each, at every level, with a hint when one is likely', () => {
  assert.deepEqual(problems(http({ RetryPolicy: { MaximumRetryAttempts: 3 }, DeadLetterConfig: { Arn: 'x' }, retyr: 3, timeoutMS: 5000, colour: 'blue' })), [
    '/targets/0/RetryPolicy: unknown property; did you mean "retry"?',
    '/targets/0/DeadLetterConfig: unknown property; did you mean "deadLetter"?',
    '/targets/0/retyr: unknown property; did you mean "retry"?',
    '/targets/0/timeoutMS: unknown property; did you mean "timeoutMs"?',
    '/targets/0/colour: unknown property',
  ]);
  // Another kind's field is unknown too (a bus target has no url), and a JSON pointer escapes "/".
  assert.deepEqual(problems({ id: 'b', kind: 'bus', bus: 'other', url: 'https://x', 'a/b': 1 }), ['/targets/0/url: unknown property', '/targets/0/a~1b: unknown property']);
  assert.deepEqual(problems({ id: 'f', kind: 'file', path: 'x.jsonl', fsnyc: true }), ['/targets/0/fsnyc: unknown property; did you mean "fsync"?']);
  assert.deepEqual(problems({ id: 'l', kind: 'log', levle: 'warn' }), ['/targets/0/levle: unknown property; did you mean "level"?']);
  // Nested objects: retry, rateLimit, circuitBreaker, batch, ordering, deadLetter.
  assert.deepEqual(problems(http({
    retry: { maxAttempts: 2, maxAttemps: 3, MaximumEventAgeInSeconds: 60 },
    rateLimit: { perSecond: 5, brust: 2 },
    circuitBreaker: { openMs: 1000, threshold: 3 },
    batch: { maxBatchSize: 10, windowMs: 5 },
    deadLetter: { id: 'dl', kind: 'bus', bus: 'dlq', retyr: 1, url: 'https://x' },
  })), [
    '/targets/0/retry/maxAttemps: unknown property; did you mean "maxAttempts"?',
    '/targets/0/retry/MaximumEventAgeInSeconds: unknown property; did you mean "maxAgeMs"?',
    '/targets/0/rateLimit/brust: unknown property; did you mean "burst"?',
    '/targets/0/circuitBreaker/threshold: unknown property',
    '/targets/0/batch/windowMs: unknown property',
    '/targets/0/deadLetter/retyr: unknown property; did you mean "retry"?',
    '/targets/0/deadLetter/url: unknown property',
    '/targets/0/deadLetter/id: a dead-letter target has no id of its own: its deliveries are "<target id>#dead-letter"',
  ]);
  assert.deepEqual(problems({ id: 'o', kind: 'log', ordering: { groupBy: 'subject', strict: true } }), ['/targets/0/ordering/strict: unknown property']);
  // The transformer refuses its own unknown fields (src/transform).
  assert.ok(problems(http({ transform: { type: 'complete', extra: 1 } })).some((p) => p.startsWith('/targets/0/transform/extra: ')));
  // Every known field of every kind passes.
  assert.deepEqual(validateTargets([
    http({ method: 'PUT', headers: { 'x-a': '1' }, mode: 'structured', batchFormat: 'json', timeoutMs: 1000, connection: 'c', sendAs: 'body', transform: { type: 'complete' }, concurrency: 2, batch: { maxBatchSize: 5, maxBatchWindowMs: 10 } }),
    { id: 'b', kind: 'bus', bus: 'x', ordering: { groupBy: 'subject' }, deadLetter: { kind: 'file', path: 'dl.jsonl', fsync: true, retry: 'backoff' } },
    { id: 'l', kind: 'log', level: 'warn', retry: { preset: 'backoff', maxAttempts: 1, maxAgeMs: 60_000, baseMs: 1, capMs: 2, jitter: 'none', retryAfterCapMs: 0, nonRetryableStatuses: [400] } },
  ]), []);
});
