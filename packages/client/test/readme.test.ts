// Every ```ts block of packages/client/README.md is type-checked against the package's source
// with the TypeScript compiler API (strict, DOM and Node types), so the documented calls exist
// with the documented arguments.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const repo = path.resolve(pkg, '..', '..');

test('client README - every TypeScript snippet compiles against the package', { timeout: 120_000 }, () => {
  const md = readFileSync(path.join(pkg, 'README.md'), 'utf8');
  const blocks = [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.ok(blocks.length >= 8, `found ${blocks.length} snippets`);
  const dir = mkdtempSync(path.join(tmpdir(), 'swy-readme-'));
  try {
    const files = blocks.map((code, i) => {
      const f = path.join(dir, `snippet-${i + 1}.mts`);
      writeFileSync(f, code);
      return f;
    });
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      strict: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [path.join(repo, 'node_modules', '@types')],
      baseUrl: dir,
      paths: { '@switchyard/client': [path.join(pkg, 'src', 'index.ts')] },
      allowImportingTsExtensions: true,
    });
    const diags = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file === undefined ? '' : `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1} `;
      return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
    });
    assert.deepEqual(diags, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
