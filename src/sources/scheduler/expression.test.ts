import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKnownTimeZone, parseExpression, parseRfc3339 } from './expression.js';

const reason = (text: string, tz = 'UTC'): string => {
  const p = parseExpression(text, tz);
  assert.equal(p.ok, false, `${text} should be refused`);
  return p.ok ? '' : p.reason;
};

test('expression - cron with 5 or 6 fields, bare or as cron(...), rate in four units, at with an offset', () => {
  for (const t of ['0 9 * * 1-5', '*/10 * * * * *', 'cron(0 9 * * MON-FRI)', ' 0 0 L * * ', '0 12 1 * +MON', '0 0 15W * *', '0 0 * * 5#2']) {
    const p = parseExpression(t, 'Europe/Berlin');
    assert.equal(p.ok && p.expression.type, 'cron', t);
  }
  assert.deepEqual(parseExpression('rate(1 minute)', 'UTC'), { ok: true, expression: { type: 'rate', everyMs: 60_000 } });
  assert.deepEqual(parseExpression('rate(30 seconds)', 'UTC'), { ok: true, expression: { type: 'rate', everyMs: 30_000 } });
  assert.deepEqual(parseExpression('rate( 2 hours )', 'UTC'), { ok: true, expression: { type: 'rate', everyMs: 7_200_000 } });
  assert.deepEqual(parseExpression('rate(3650 days)', 'UTC'), { ok: true, expression: { type: 'rate', everyMs: 3650 * 86_400_000 } });
  assert.deepEqual(parseExpression('at(2030-01-01T09:00:00+01:00)', 'UTC'), { ok: true, expression: { type: 'at', at: Date.UTC(2030, 0, 1, 8) } });
  assert.deepEqual(parseExpression('at(2030-06-30T23:59:59.123456Z)', 'UTC'), { ok: true, expression: { type: 'at', at: Date.UTC(2030, 5, 30, 23, 59, 59, 123) } });
});

test('expression - hostile input is refused with the reason, never thrown', () => {
  assert.match(reason('rate(0 minutes)'), /at least 1/);
  assert.match(reason('rate(5 fortnights)'), /unit "fortnights"/);
  assert.match(reason('rate(999999999999 days)'), /at most 3650 days/);
  assert.match(reason('rate(-1 minutes)'), /rate\(<positive integer>/);
  assert.match(reason('rate(1.5 hours)'), /rate\(<positive integer>/);
  assert.match(reason('at(2030-01-01T09:00:00)'), /RFC 3339/);
  assert.match(reason('at(2030-02-30T09:00:00Z)'), /RFC 3339/);
  assert.match(reason('at(2030-13-01T09:00:00Z)'), /RFC 3339/);
  assert.match(reason('at(tomorrow)'), /RFC 3339/);
  assert.match(reason('at(+275760-09-13T00:00:00Z)'), /RFC 3339/);
  assert.match(reason('* * * *'), /has 4/);
  assert.match(reason('0 0 0 * * * 2030'), /has 7/);
  assert.match(reason(''), /has 0/);
  assert.match(reason('61 * * * *'), /minute/);
  assert.match(reason('*/0 * * * *'), /stepping/);
  assert.match(reason('0 0 * * $(rm)'), /characters/);
  assert.match(reason('@daily'), /has 1/);
  assert.match(reason(`${'1,'.repeat(200)}1 * * * *`), /characters|longer/);
  assert.match(reason('x'.repeat(300)), /longer than 256/);
});

test('expression - time zones are the runtime\'s IANA names', () => {
  for (const tz of ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata']) assert.equal(isKnownTimeZone(tz), true, tz);
  for (const tz of ['Mars/Olympus', '', 'Europe/Berlin\n', 'x'.repeat(100), '../../etc/passwd']) assert.equal(isKnownTimeZone(tz), false, tz);
});

test('expression - RFC 3339 instants need an offset and real calendar fields', () => {
  assert.equal(parseRfc3339('2024-02-29T00:00:00Z'), Date.UTC(2024, 1, 29));
  assert.equal(parseRfc3339('2023-02-29T00:00:00Z'), undefined);
  assert.equal(parseRfc3339('2030-01-01t10:00:00-05:30'), Date.UTC(2030, 0, 1, 15, 30));
  assert.equal(parseRfc3339('9999-12-31T23:59:59Z'), Date.UTC(9999, 11, 31, 23, 59, 59));
  assert.equal(parseRfc3339('2030-01-01 10:00:00Z'), undefined);
  assert.equal(parseRfc3339('2030-01-01T24:00:00Z'), undefined);
});
