import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileCesql } from './expression.js';
import type { CesqlFunction } from './functions/function.js';

const EVENT = { specversion: '1.0', id: 'e1', source: '/src', type: 'com.example.created', subject: 'orders/7', priority: '5', ratio: 1.5, big: 3000000000, flag: true, count: 12, nothing: null, data: { x: 1 }, data_base64: 'AA==' };

function run(expression: string, event: Record<string, unknown> = EVENT, functions?: CesqlFunction[]) {
  const { value, errors } = compileCesql(expression, functions === undefined ? {} : { functions }).evaluate(event);
  return { value, errors: errors.map((e) => e.kind) };
}

test('evaluate - attributes keep their JSON type; other values are represented as String', () => {
  assert.deepEqual(run('flag'), { value: true, errors: [] });
  assert.deepEqual(run('count + 1'), { value: 13, errors: [] });
  assert.deepEqual(run('ratio'), { value: '1.5', errors: [] });
  assert.deepEqual(run('big'), { value: '3000000000', errors: [] });
  assert.deepEqual(run('priority * 2'), { value: 10, errors: [] });
});

test('evaluate - data and null attributes are absent', () => {
  assert.deepEqual(run('EXISTS data OR EXISTS nothing'), { value: false, errors: [] });
  assert.deepEqual(run('nothing'), { value: false, errors: ['missingAttribute'] });
});

test('evaluate - an operand that errored makes its operator return the zero value of its type', () => {
  assert.deepEqual(run('missing / 0'), { value: 0, errors: ['missingAttribute'] });
  assert.deepEqual(run('NOT missing'), { value: false, errors: ['missingAttribute'] });
  assert.deepEqual(run('NOT (missing = 1)'), { value: false, errors: ['missingAttribute'] }, 'the error propagates through NOT');
  assert.deepEqual(run("LENGTH(missing)"), { value: 0, errors: ['missingAttribute'] });
  assert.deepEqual(run('1 != 1 / 0'), { value: false, errors: ['math'] });
  assert.deepEqual(run("'x' IN ('y', missing, 'x')"), { value: false, errors: ['missingAttribute'] });
});

test('evaluate - AND and OR short-circuit; XOR evaluates both sides', () => {
  assert.deepEqual(run('FALSE AND missing'), { value: false, errors: [] });
  assert.deepEqual(run('TRUE OR missing'), { value: true, errors: [] });
  assert.deepEqual(run('TRUE XOR missing'), { value: false, errors: ['missingAttribute'] });
  assert.deepEqual(run("'true' AND 1"), { value: true, errors: [] });
});

test('evaluate - = casts the left operand to the right operand type', () => {
  assert.deepEqual(run("priority = 5"), { value: true, errors: [] });
  assert.deepEqual(run("5 = priority"), { value: true, errors: [] });
  assert.deepEqual(run("'abc' = 1"), { value: false, errors: ['cast'] });
  assert.deepEqual(run("'abc' <> 1"), { value: false, errors: ['cast'] });
  assert.deepEqual(run("1 = 'abc'"), { value: false, errors: [] });
});

test('evaluate - ordering compares Integers, so string attributes are compared as numbers', () => {
  assert.deepEqual(run("'9' < '10'"), { value: true, errors: [] });
  assert.deepEqual(run("'a' < 1"), { value: false, errors: ['cast'] });
});

test('evaluate - IN casts each element to the type of the left operand and stops at the first match', () => {
  assert.deepEqual(run("count IN ('11', '12')"), { value: true, errors: [] });
  assert.deepEqual(run("count IN (12, 'x')"), { value: true, errors: [] });
  assert.deepEqual(run("count IN ('x', 12)"), { value: false, errors: ['cast'] });
  assert.deepEqual(run("type NOT IN ('a', 'b')"), { value: true, errors: [] });
});

test('evaluate - integer overflow wraps and raises a math error', () => {
  assert.deepEqual(run('2147483647 + 1'), { value: -2147483648, errors: ['math'] });
  assert.deepEqual(run('-(-2147483648)'), { value: -2147483648, errors: ['math'] });
  assert.deepEqual(run('65536 * 65536'), { value: 0, errors: ['math'] });
});

test('evaluate - an unknown function is false with a missingFunction error, and a static error at compile time', () => {
  const expr = compileCesql('NOPE(1) OR TRUE');
  assert.deepEqual(expr.staticErrors.map((e) => [e.kind, e.position]), [['missingFunction', 0]]);
  assert.deepEqual(expr.evaluate(EVENT), { value: false, errors: [{ kind: 'missingFunction', message: 'no function NOPE takes 1 argument(s)', position: 0 }] });
});

test('evaluate - errors carry the offset of the failing operator', () => {
  const { errors } = compileCesql('1 + 2 / 0').evaluate(EVENT);
  assert.deepEqual(errors, [{ kind: 'math', message: 'division by zero', position: 6 }]);
});

test('matches - true only for the Boolean true without errors', () => {
  assert.equal(compileCesql("type LIKE 'com.example.%'").matches(EVENT), true);
  assert.equal(compileCesql("type LIKE 'org.%'").matches(EVENT), false);
  assert.equal(compileCesql("'true'").matches(EVENT), false, 'a String is not a Boolean');
  assert.equal(compileCesql('1').matches(EVENT), false);
  assert.equal(compileCesql('missing = 1 OR TRUE').matches(EVENT), false, 'an error never matches');
  assert.equal(compileCesql('NOT (missing = 1)').matches(EVENT), false);
});

test('compile - attributes lists every attribute read, once, sorted', () => {
  assert.deepEqual(compileCesql("type = 'x' AND (EXISTS subject OR INT(Priority) > 1) AND type <> id").attributes, ['id', 'priority', 'subject', 'type']);
});

test('user-defined functions - arguments are cast to the declared types before the call', () => {
  const seen: unknown[] = [];
  const spy: CesqlFunction = { name: 'SPY', params: ['String', 'Integer'], variadic: 'Boolean', returns: 'Boolean', impl: (args) => (seen.push(args), true) };
  assert.deepEqual(run("spy(5, '7', 'true', 0)", EVENT, [spy]), { value: true, errors: [] });
  assert.deepEqual(seen, [['5', 7, true, false]]);
});

test('user-defined functions - a throw, a wrong result type or a reported error become function errors', () => {
  const udfs: CesqlFunction[] = [
    { name: 'BOOM', params: [], returns: 'Integer', impl: () => { throw new Error('kaput'); } },
    { name: 'WRONG', params: [], returns: 'Integer', impl: () => 'seven' },
    { name: 'FRACTION', params: [], returns: 'Integer', impl: () => 1.5 },
    { name: 'SOFT', params: [], returns: 'String', impl: () => ({ value: 'partial', error: 'upstream slow' }) },
  ];
  assert.deepEqual(run('BOOM()', EVENT, udfs), { value: 0, errors: ['functionEvaluation'] });
  assert.deepEqual(run('WRONG()', EVENT, udfs), { value: 0, errors: ['functionEvaluation'] });
  assert.deepEqual(run('FRACTION()', EVENT, udfs), { value: 0, errors: ['functionEvaluation'] });
  assert.deepEqual(run('SOFT()', EVENT, udfs), { value: 'partial', errors: ['functionEvaluation'] });
  assert.deepEqual(run("SOFT() = 'partial'", EVENT, udfs), { value: false, errors: ['functionEvaluation'] });
});

test('compile - the expression object is frozen and evaluations share no state', () => {
  const expr = compileCesql('missing');
  assert.ok(Object.isFrozen(expr));
  assert.equal(expr.evaluate(EVENT).errors.length, 1);
  assert.equal(expr.evaluate({ ...EVENT, missing: 'x' }).errors.length, 0);
  assert.equal(expr.evaluate(EVENT).errors.length, 1);
});
