import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JsonValue } from '../../core/index.js';
import type { SchemaVersion } from '../types.js';
import { codeFileName, generateCode } from './index.js';
import { javaRecordName } from './java.js';

// Generated Python, Java and Go are compiled (and run) by their own toolchains when the machine
// has them; each language's tests are skipped with the reason otherwise. .ci/services installs
// them on CI machines.

const order: JsonValue = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  description: 'An order */ with a \\u002a/ tricky description\nand a second line',
  required: ['id', 'amount', 'status', 'lines', 'class'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', description: 'Order id \\u000a"); System.exit(1); //' },
    amount: { type: 'number', minimum: 1 },
    status: { enum: ['new', 'paid', 'it\'s "quoted" \\u0022'] },
    'created-at': { type: 'string', format: 'date-time' },
    lines: { type: 'array', items: { $ref: '#/$defs/line' }, minItems: 1 },
    note: { type: ['string', 'null'] },
    tags: { type: 'object', additionalProperties: { type: 'string' } },
    class: { type: 'integer', description: 'a keyword in every language' },
    'weird "name",\\': { type: 'boolean' },
    address: { type: 'object', required: ['city'], properties: { city: { type: 'string' }, zip: { anyOf: [{ type: 'string' }, { type: 'null' }] } } },
    parent: { $ref: '#' },
    flags: { type: 'array', items: { enum: ['a', 'b'] } },
    extra: {},
  },
  $defs: {
    line: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' }, qty: { type: 'integer' }, children: { type: 'array', items: { $ref: '#/$defs/line' } } } },
  },
};

const version = (name: string, schema: JsonValue): SchemaVersion => ({ name, source: null, version: 3, dialect: '2020-12', schema, origin: 'api', createdAt: 0 });
const v = version('com.shop.order.created', order);

/** A value of the order schema using every property. */
const full = {
  id: 'o1', amount: 12.5, status: 'paid', 'created-at': '2024-01-01T00:00:00Z',
  lines: [{ sku: 'a', qty: 2, children: [{ sku: 'a.1' }] }], tags: { k: 'v' }, class: 7,
  'weird "name",\\': true, address: { city: 'Lyon', zip: '69001' }, parent: { id: 'o0', amount: 1, status: 'new', lines: [{ sku: 'z' }], class: 1 },
  flags: ['a', 'b'], extra: { anything: [1, 'x'] },
};

function has(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const dir = (): string => mkdtempSync(path.join(tmpdir(), 'swy-codegen-lang-'));

describe('codegen python', () => {
  const skip = has('python3', ['--version']) ? false : 'python3 is not on this machine';

  test('codegen python - the module loads, round-trips a full value through from_dict/to_dict and validates in the constructor', { skip, timeout: 60_000 }, () => {
    const d = dir();
    writeFileSync(path.join(d, 'order.py'), generateCode('python', v));
    writeFileSync(path.join(d, 'value.json'), JSON.stringify(full));
    writeFileSync(path.join(d, 'main.py'), `
import json, sys
import order as m
value = json.load(open("value.json"))
obj = m.ComShopOrderCreated.from_dict(value)
assert obj.lines[0].children[0].sku == "a.1", obj
assert isinstance(obj.address, m.ComShopOrderCreatedAddress)
assert isinstance(obj.parent, m.ComShopOrderCreated)
back = obj.to_dict()
assert back == value, (back, value)
assert m.ComShopOrderCreated.from_dict(dict(value, note=None)).note is None
def fails(fn, text):
    try:
        fn()
    except ValueError as e:
        assert text in str(e), str(e)
        return
    raise AssertionError("no ValueError for " + text)
fails(lambda: m.ComShopOrderCreated.from_dict(dict(value, status="gone")), "must be one of")
fails(lambda: m.ComShopOrderCreated.from_dict(dict(value, amount="12")), "must be a number")
fails(lambda: m.ComShopOrderCreated.from_dict({**value, "class": True}), "must be an integer")
fails(lambda: m.ComShopOrderCreated.from_dict({k: x for k, x in value.items() if k != "id"}), "id: is required")
fails(lambda: m.ComShopOrderCreated.from_dict(dict(value, flags=["a", "c"])), "flags[1]")
fails(lambda: m.ComShopOrderCreatedLine(sku=None), "must not be null")
print("ok")
`);
    run('python3', ['-m', 'py_compile', 'order.py'], d);
    assert.equal(run('python3', ['main.py'], d).trim(), 'ok');
  });
});

describe('codegen java', () => {
  const skip = has('javac', ['-version']) ? false : 'javac is not on this machine';

  test('codegen java - the records compile with javac and the constructors check required fields and enums', { skip, timeout: 120_000 }, () => {
    const d = dir();
    const file = codeFileName('java', v);
    assert.equal(file, `${javaRecordName(v)}.java`);
    writeFileSync(path.join(d, file), generateCode('java', v));
    writeFileSync(path.join(d, 'Main.java'), `
import java.util.List;
import java.util.Map;
public class Main {
  public static void main(String[] args) {
    var line = new ComShopOrderCreated.ComShopOrderCreatedLine("a", 2L, List.of());
    var o = new ComShopOrderCreated("o1", 12.5, "paid", null, List.of(line), null, Map.of("k", "v"), 7, true, null, null, List.of("a"), null);
    if (o.lines().get(0).qty() != 2L) throw new AssertionError("qty");
    try { new ComShopOrderCreated("o1", 1, "gone", null, List.of(), null, null, 1, null, null, null, null, null); throw new AssertionError("enum not checked"); } catch (IllegalArgumentException e) { }
    try { new ComShopOrderCreated(null, 1, "new", null, List.of(), null, null, 1, null, null, null, null, null); throw new AssertionError("required not checked"); } catch (NullPointerException e) { }
    try { new ComShopOrderCreated("o1", 1, "new", null, List.of(), null, null, 1, null, null, null, List.of("z"), null); throw new AssertionError("enum list not checked"); } catch (IllegalArgumentException e) { }
    System.out.println("ok");
  }
}
`);
    run('javac', ['-encoding', 'UTF-8', '-Xlint:all', '-Werror', '-d', 'out', file, 'Main.java'], d);
    assert.equal(run('java', ['-cp', 'out', 'Main'], d).trim(), 'ok');
  });
});

describe('codegen go', () => {
  const skip = has('go', ['version']) ? false : 'go is not on this machine (Debian: golang-go)';

  test('codegen go - the structs build, pass go vet, and encoding/json round-trips a full value', { skip, timeout: 180_000 }, () => {
    const d = dir();
    mkdirSync(path.join(d, 'events'));
    writeFileSync(path.join(d, 'go.mod'), 'module example.com/check\n\ngo 1.18\n');
    writeFileSync(path.join(d, 'events', codeFileName('go', v)), generateCode('go', v));
    writeFileSync(path.join(d, 'value.json'), JSON.stringify(full));
    writeFileSync(path.join(d, 'main.go'), `package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"

	"example.com/check/events"
)

func main() {
	raw, _ := os.ReadFile("value.json")
	var o events.ComShopOrderCreated
	if err := json.Unmarshal(raw, &o); err != nil {
		panic(err)
	}
	if o.Lines[0].Children[0].Sku != "a.1" || o.Address.City != "Lyon" || o.Parent.ID != "o0" || o.Class != 7 {
		panic(fmt.Sprintf("%+v", o))
	}
	back, _ := json.Marshal(o)
	var a, b map[string]any
	_ = json.Unmarshal(raw, &a)
	_ = json.Unmarshal(back, &b)
	delete(a, "weird \\"name\\",\\\\") // a name a struct tag cannot hold is not mapped
	if !reflect.DeepEqual(a, b) {
		panic(fmt.Sprintf("%v\\n%v", a, b))
	}
	fmt.Println("ok")
}
`);
    const env = { ...process.env, GOPATH: path.join(d, '.gopath'), GOCACHE: path.join(d, '.gocache'), GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOPROXY: 'off' };
    run('go', ['vet', './...'], d, env);
    assert.equal(run('go', ['run', '.'], d, env).trim(), 'ok');
  });
});

describe('codegen hostile names', () => {
  test('codegen - names made only of punctuation, keywords and reserved type names still give distinct identifiers', (t: TestContext) => {
    const s: JsonValue = { type: 'object', properties: { '-': { type: 'string' }, '': { type: 'string' }, '---': { type: 'string' }, '1x': { type: 'integer' }, def: { type: 'string' }, Def: { type: 'string' }, hashCode: { type: 'string' } } };
    const py = generateCode('python', version('List', s));
    assert.match(py, /^class ListData:/m, 'a class may not shadow typing.List');
    assert.match(py, /^ {4}def_: Optional\[str\] = None$/m);
    assert.match(py, /^ {4}f_1x: Optional\[int\] = None$/m);
    const java = generateCode('java', version('String', s));
    assert.match(java, /public record StringData\(/);
    assert.match(java, /String hashCode_/);
    const go = generateCode('go', version('x', s));
    t.diagnostic(go);
    assert.match(go, /Def2 \*string `json:"Def,omitempty"`/);
    assert.match(go, /`json:"-,omitempty"`/, 'a property named "-" is not skipped');
  });

  test('codegen - a schema name that is not an identifier gives a safe file name', () => {
    const w = version('a/b c"d', { type: 'string' });
    for (const lang of ['typescript', 'python', 'go', 'java'] as const) assert.match(codeFileName(lang, w), /^[A-Za-z0-9._-]+$/);
  });
});

// Compiles every generated language for a handful of schema shapes that are not objects at the
// root, to check the alias forms too (skipped per toolchain like the tests above).
describe('codegen root shapes', () => {
  const shapes: Record<string, JsonValue> = {
    'shape.array': { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } },
    'shape.string': { type: ['string', 'null'] },
    'shape.map': { type: 'object', additionalProperties: { type: 'integer' } },
    'shape.union': { anyOf: [{ type: 'string' }, { type: 'integer' }] },
  };
  test('codegen - non-object roots compile in Python, Java and Go', { timeout: 240_000 }, (t: TestContext) => {
    for (const [name, schema] of Object.entries(shapes)) {
      const sv = version(name, schema);
      if (has('python3', ['--version'])) {
        const d = dir();
        writeFileSync(path.join(d, 'm.py'), generateCode('python', sv));
        run('python3', ['-c', 'import m'], d);
      } else t.diagnostic('python3 missing: not compiled');
      if (has('javac', ['-version'])) {
        const d = dir();
        writeFileSync(path.join(d, codeFileName('java', sv)), generateCode('java', sv));
        run('javac', ['-encoding', 'UTF-8', '-d', 'out', codeFileName('java', sv)], d);
      } else t.diagnostic('javac missing: not compiled');
    }
    if (has('go', ['version'])) {
      const d = dir();
      writeFileSync(path.join(d, 'go.mod'), 'module example.com/shapes\n\ngo 1.18\n');
      mkdirSync(path.join(d, 'events'));
      for (const [name, schema] of Object.entries(shapes)) writeFileSync(path.join(d, 'events', codeFileName('go', version(name, schema))), generateCode('go', version(name, schema)));
      execFileSync('go', ['vet', './...'], { cwd: d, env: { ...process.env, GOPATH: path.join(d, '.gopath'), GOCACHE: path.join(d, '.gocache'), GOTOOLCHAIN: 'local', GOPROXY: 'off' }, stdio: 'pipe' });
    } else t.diagnostic('go missing: not compiled');
  });
});
