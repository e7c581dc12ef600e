/**
 * `switchyard schemas list|get|versions|put|codegen|import|settings`: the schema registry through the REST API
 * (`/v1/schemas/...`, docs/schemas.md). Schema files are sent as their own text, so what the
 * server stores is what the file says. Failures are thrown (ApiError, ConnectionError,
 * UsageError) for `runProgram` to report; a 409 prints each compatibility break.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { segment, type Query } from '../client.js';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { ApiError, UsageError } from '../errors.js';
import { readAll } from '../io.js';
import { memberText } from '../json-text.js';
import { printJsonText, printTable } from '../output.js';
import { registerSchemasImport } from './schemas-import.js';
import { registerSchemaSettings } from './schemas-settings.js';

/** A schema as `GET /v1/schemas[/{name}]` shows it. */
interface SchemaView {
  readonly name: string;
  readonly source: string | null;
  readonly description: string | null;
  readonly compatibility: string;
  readonly latestVersion: number;
  readonly updatedAt: string;
}

/** A version as `GET /v1/schemas/{name}/versions[/{n}]` shows it. */
interface VersionView {
  readonly name: string;
  readonly source: string | null;
  readonly version: number;
  readonly dialect: string;
  readonly origin: string;
  readonly dataschema: string;
  readonly createdAt: string;
}

interface Break {
  readonly path: string;
  readonly direction: string;
  readonly reason: string;
}

interface ScopedFlags extends ClientFlags {
  readonly source?: string;
}


interface PutFlags extends ScopedFlags {
  readonly file?: string;
  readonly compatibility?: string;
  readonly dialect?: string;
  readonly description?: string;
  readonly check?: boolean;
}

interface CodegenFlags extends ScopedFlags {
  readonly lang: string;
  readonly out?: string;
}

const MODES = ['BACKWARD', 'FORWARD', 'FULL', 'NONE'];
const DIALECTS = ['2020-12', 'draft-07'];

const schemaPath = (name: string): string => `/v1/schemas/${segment(name)}`;
const scope = (f: ScopedFlags): Query => ({ source: f.source });

/**
 * The `[version]` argument: a positive integer or `latest` (the default), checked here so a typo
 * is a usage error. A positional argument rather than a flag: `--version` is the program's own.
 */
function versionArg(v: string | undefined): string {
  if (v === undefined || v === 'latest') return 'latest';
  if (/^[1-9][0-9]{0,8}$/.test(v)) return v;
  throw new UsageError(`version "${v}" must be a version number (1, 2, ...) or latest`);
}

function choice(flag: string, v: string | undefined, allowed: readonly string[]): string | undefined {
  if (v === undefined) return undefined;
  const up = flag === '--compatibility' ? v.toUpperCase() : v;
  if (!allowed.includes(up)) throw new UsageError(`${flag} "${v}" must be one of ${allowed.join(', ')}`);
  return up;
}

/**
 * The schema document to register, as JSON text: a file, or stdin for `-` (or no file when
 * stdin is not a terminal). Checked to be JSON so a typo is reported here, not by the server.
 */
async function schemaText(fileArg: string | undefined, f: PutFlags, ctx: CommandContext): Promise<{ origin: string; text: string }> {
  if (fileArg !== undefined && f.file !== undefined) throw new UsageError('give the schema file once: either as an argument or with --file');
  const file = fileArg ?? f.file;
  let origin: string;
  let text: string;
  if (file === undefined || file === '-') {
    if (file === undefined && (ctx.io.stdin as { isTTY?: boolean }).isTTY === true) {
      throw new UsageError('schemas put needs a JSON Schema: a file argument, --file <path>, or - to read stdin');
    }
    origin = 'stdin';
    text = await readAll(ctx.io.stdin);
  } else {
    origin = file;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
    }
  }
  if (text.trim() === '') throw new UsageError(`${origin} is empty: expected a JSON Schema`);
  try {
    JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${origin} is not valid JSON: ${(e as Error).message}`);
  }
  return { origin, text: text.trim() };
}

function register(program: Command, ctx: CommandContext): void {
  const { env, io } = ctx;
  const schemas = program.command('schemas').description('the schema registry: JSON Schemas per event type, versions, code generation');
  const scoped = (c: Command): Command => withClientOptions(c.option('--source <source>', 'the source scope of the schema (default: the unscoped schema)'));

  withClientOptions(schemas.command('list').description('list the registered schemas'))
    .action(async (f: ClientFlags) => {
      const { text } = await clientFor(f, env).send('GET', '/v1/schemas');
      if (f.json === true) return printJsonText(io.stdout, text);
      const { items } = JSON.parse(text) as { items: SchemaView[] };
      if (items.length === 0) return void io.stdout.write('no schemas\n');
      printTable(io.stdout, ['name', 'source', 'latest', 'compatibility', 'updated', 'description'], items.map((s) => [
        s.name, s.source, s.latestVersion === 0 ? 'none' : s.latestVersion, s.compatibility, s.updatedAt, s.description,
      ]));
    });

  scoped(schemas.command('get').description('show one version of a schema: its details, then the JSON Schema')
    .argument('<name>', 'schema name (by convention the event type)')
    .argument('[version]', 'version number or latest', 'latest'))
    .action(async (name: string, version: string | undefined, f: ScopedFlags) => {
      const { text } = await clientFor(f, env).send('GET', `${schemaPath(name)}/versions/${versionArg(version)}`, { query: scope(f) });
      if (f.json === true) return printJsonText(io.stdout, text);
      const v = JSON.parse(text) as VersionView;
      printTable(io.stdout, ['name', 'source', 'version', 'dialect', 'origin', 'dataschema', 'created'], [[
        v.name, v.source, v.version, v.dialect, v.origin, v.dataschema, v.createdAt,
      ]]);
      printJsonText(io.stdout, memberText(text, 'schema') ?? 'null');
    });

  scoped(schemas.command('versions').description('list the versions of a schema').argument('<name>', 'schema name'))
    .action(async (name: string, f: ScopedFlags) => {
      const { text } = await clientFor(f, env).send('GET', `${schemaPath(name)}/versions`, { query: scope(f) });
      if (f.json === true) return printJsonText(io.stdout, text);
      const { items } = JSON.parse(text) as { items: VersionView[] };
      if (items.length === 0) return void io.stdout.write(`schema ${name} has no versions\n`);
      printTable(io.stdout, ['version', 'dialect', 'origin', 'dataschema', 'created'], items.map((v) => [v.version, v.dialect, v.origin, v.dataschema, v.createdAt]));
    });

  scoped(schemas.command('put').description('register a new version of a schema from a JSON Schema file or stdin (creates the schema when missing)'))
    .argument('<name>', 'schema name (by convention the event type)')
    .argument('[file]', 'JSON Schema file; - (or nothing, when piped) reads stdin')
    .option('-f, --file <path>', 'JSON Schema file (same as the argument)')
    .option('--compatibility <mode>', `mode of a schema this creates: ${MODES.join(', ')} (default BACKWARD)`)
    .option('--dialect <dialect>', `JSON Schema dialect when the file has no $schema: ${DIALECTS.join(', ')}`)
    .option('--description <text>', 'what the events are, for a schema this creates')
    .option('--check', 'only check compatibility with the latest version; register nothing (exit code 1 when incompatible)')
    .action(async (name: string, file: string | undefined, f: PutFlags) => {
      const compatibility = choice('--compatibility', f.compatibility, MODES);
      const dialect = choice('--dialect', f.dialect, DIALECTS);
      const schema = await schemaText(file, f, ctx);
      const members = [`"schema":${schema.text}`];
      if (dialect !== undefined) members.push(`"dialect":${JSON.stringify(dialect)}`);
      if (compatibility !== undefined) members.push(`"compatibility":${JSON.stringify(compatibility)}`);
      if (f.description !== undefined) members.push(`"description":${JSON.stringify(f.description)}`);
      const body = `{${members.join(',')}}`;
      const client = clientFor(f, env);
      if (f.check === true) {
        const { text } = await client.send('POST', `${schemaPath(name)}/compatibility`, { query: scope(f), body, contentType: 'application/json' });
        const c = JSON.parse(text) as { compatible: boolean; mode: string; against: number | null; breaks: Break[] };
        if (f.json === true) printJsonText(io.stdout, text);
        if (!c.compatible) {
          // Reported exactly as registering would answer (409 with one violation per break), exit code 1.
          throw new ApiError(409, {
            code: 'SWY_SCHEMA_INCOMPATIBLE', status: 409,
            detail: `the schema breaks ${c.mode} compatibility with version ${c.against ?? '?'} in ${c.breaks.length} way(s); nothing was registered`,
            violations: c.breaks.map((b) => ({ path: b.path, reason: `${b.direction}: ${b.reason}` })),
          }, text);
        }
        if (f.json !== true) {
          io.stdout.write(c.against === null ? `schema ${name} has no version yet: nothing to be compatible with\n` : `compatible (${c.mode}) with version ${c.against}\n`);
        }
        return;
      }
      const answer = await client.send('POST', `${schemaPath(name)}/versions`, { query: scope(f), body, contentType: 'application/json' });
      if (f.json === true) return printJsonText(io.stdout, answer.text);
      const v = JSON.parse(answer.text) as VersionView;
      io.stdout.write(answer.status === 201
        ? `schema ${v.name}${v.source === null ? '' : ` (source ${v.source})`}: registered version ${v.version} (${v.dialect}), dataschema ${v.dataschema}\n`
        : `schema ${v.name}${v.source === null ? '' : ` (source ${v.source})`}: unchanged, identical to version ${v.version}\n`);
    });

  scoped(schemas.command('codegen').description('generate code for a schema version: TypeScript types and a type guard, Python dataclasses, Java records or Go structs')
    .argument('<name>', 'schema name')
    .argument('[version]', 'version number or latest', 'latest'))
    .option('--lang <lang>', 'target language: typescript, python, java or go', 'typescript')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .action(async (name: string, version: string | undefined, f: CodegenFlags) => {
      const { text } = await clientFor(f, env).send('GET', `${schemaPath(name)}/versions/${versionArg(version)}/code`, { query: { ...scope(f), lang: f.lang } });
      if (f.out === undefined) return void io.stdout.write(text);
      try {
        await writeFile(f.out, text);
      } catch (e) {
        throw new UsageError(`--out ${f.out}: ${(e as Error).message}`);
      }
      io.stderr.write(`wrote ${f.out} (${Buffer.byteLength(text)} bytes)\n`);
    });

  registerSchemasImport(schemas, ctx);
  registerSchemaSettings(schemas, ctx);
}

/** `switchyard schemas …` */
export const schemasCommand: ClientCommand = { name: 'schemas', register };
