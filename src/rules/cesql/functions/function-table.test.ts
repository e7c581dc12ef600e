import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FunctionTable } from './function-table.js';
import type { CesqlFunction } from './function.js';
import { isSwitchyardError } from '../../../core/index.js';

const fn = (name: string, params: CesqlFunction['params'], variadic?: CesqlFunction['variadic']): CesqlFunction => ({
  name,
  params,
  ...(variadic === undefined ? {} : { variadic }),
  returns: 'Integer',
  impl: () => 0,
});

function rejects(functions: CesqlFunction[], reasonPart: string): void {
  assert.throws(
    () => new FunctionTable(functions),
    (e: unknown) => isSwitchyardError(e) && e.code === 'SWY_RULES_CESQL_FUNCTION' && e.violations.some((v) => v.reason.includes(reasonPart)),
    reasonPart,
  );
}

test('function table - resolves by case-insensitive name and arity, variadic when no fixed arity fits', () => {
  const table = new FunctionTable([fn('ABC', ['String']), fn('abc', ['String', 'String']), fn('Abc', ['String', 'String', 'String'], 'String')]);
  assert.equal(table.resolve('abc', 1)?.params.length, 1);
  assert.equal(table.resolve('ABC', 2)?.params.length, 2);
  assert.equal(table.resolve('abc', 3)?.variadic, 'String');
  assert.equal(table.resolve('abc', 7)?.variadic, 'String');
  assert.equal(table.resolve('abc', 0), undefined);
  assert.equal(table.resolve('nope', 1), undefined);
  assert.equal(table.resolve('concat_ws', 0), undefined, 'CONCAT_WS needs its delimiter');
  assert.equal(table.resolve('substring', 3)?.params.length, 3);
});

test('function table - the overloads spec §3.5 forbids are rejected', () => {
  rejects([fn('ABC', ['String'], 'String'), fn('ABC', ['String', 'String', 'String'])], 'clashes with the variadic');
  rejects([fn('ABC', ['String', 'String', 'String']), fn('ABC', [], 'String')], 'needs more fixed parameters');
  rejects([fn('ABC', ['Integer']), fn('ABC', ['String'])], 'already defined');
  rejects([fn('ABC', ['String', 'String'], 'String'), fn('ABC', ['String', 'String', 'String'], 'Integer')], 'already has a variadic');
  rejects([fn('LENGTH', ['Integer'])], 'LENGTH with 1 argument(s) is already defined');
});

test('function table - malformed definitions are rejected with one violation each', () => {
  assert.throws(
    () =>
      new FunctionTable([
        fn('bad name', []),
        fn('OK', ['Float' as never]),
        { ...fn('R', []), returns: 'Any' as never },
        { ...fn('I', []), impl: 'no' as never },
      ]),
    (e: unknown) => isSwitchyardError(e) && e.violations.map((v) => v.path).join() === '/functions/0,/functions/1,/functions/2,/functions/3',
  );
});
