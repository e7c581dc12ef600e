import type { SchemaVersion } from '../types.js';
import { buildModel, type ModelField, type ModelType } from './model.js';
import { NameScope, camelName, commentText } from './names.js';

const KEYWORDS = new Set([
  'abstract', 'assert', 'boolean', 'break', 'byte', 'case', 'catch', 'char', 'class', 'const', 'continue', 'default', 'do', 'double',
  'else', 'enum', 'extends', 'final', 'finally', 'float', 'for', 'goto', 'if', 'implements', 'import', 'instanceof', 'int', 'interface',
  'long', 'native', 'new', 'package', 'private', 'protected', 'public', 'return', 'short', 'static', 'strictfp', 'super', 'switch',
  'synchronized', 'this', 'throw', 'throws', 'transient', 'try', 'void', 'volatile', 'while', 'true', 'false', 'null', 'var', 'yield',
  'record', 'sealed', 'permits', '_',
  // A record component named like one of Object's methods would declare a clashing accessor.
  'hashCode', 'toString', 'equals', 'getClass', 'notify', 'notifyAll', 'wait', 'clone', 'finalize',
]);
// java.lang types the generated code names: a record of the same name would shadow them.
const TYPE_RESERVED = new Set(['String', 'Object', 'Long', 'Double', 'Boolean', 'Integer', 'Record', 'Override', 'IllegalArgumentException', 'NullPointerException', 'System', 'Math']);

/**
 * Comment text for Java: javac turns `\uXXXX` into its character before it reads a comment, so
 * a schema's text could otherwise close the comment (`\u002a/`) or end a line; every backslash
 * is doubled, and a `*` `/` pair is split.
 */
const javaComment = (text: string): string => commentText(text).replace(/\\/g, '\\\\').replace(/\*\//g, '* /');

/** A Java string literal: JSON's escapes are valid Java escapes, and `\\` keeps `\u` from being an escape. */
const str = (s: string): string => JSON.stringify(s);

function javaType(t: ModelType, boxed: boolean, root: string): string {
  switch (t.t) {
    case 'string':
    case 'enum': return 'String';
    case 'integer': return boxed ? 'Long' : 'long';
    case 'number': return boxed ? 'Double' : 'double';
    case 'boolean': return boxed ? 'Boolean' : 'boolean';
    case 'any': return 'Object';
    case 'array': return `java.util.List<${javaType(t.items, true, root)}>`;
    case 'map': return `java.util.Map<String, ${javaType(t.values, true, root)}>`;
    case 'ref': return t.name === root ? root : `${root}.${t.name}`;
  }
}

const primitive = (t: ModelType): boolean => t.t === 'integer' || t.t === 'number' || t.t === 'boolean';

interface Component {
  readonly f: ModelField;
  readonly id: string;
  readonly boxed: boolean;
}

/** The checks of a compact canonical constructor: required fields present, enum values allowed. */
function checks(components: readonly Component[], owner: string): string[] {
  const out: string[] = [];
  for (const { f, id, boxed } of components) {
    if (f.required && !f.nullable && boxed) out.push(`    java.util.Objects.requireNonNull(${id}, ${str(`${owner}.${f.json} is required`)});`);
    const allowed = f.type.t === 'enum' ? f.type.values : f.type.t === 'array' && f.type.items.t === 'enum' ? f.type.items.values : undefined;
    if (allowed === undefined) continue;
    const set = `java.util.Set.of(${allowed.map(str).join(', ')})`;
    const message = str(`${owner}.${f.json} must be one of ${allowed.join(', ')}`);
    if (f.type.t === 'enum') out.push(`    if (${id} != null && !${set}.contains(${id})) throw new IllegalArgumentException(${message});`);
    else out.push(`    if (${id} != null) for (String v : ${id}) if (v != null && !${set}.contains(v)) throw new IllegalArgumentException(${message});`);
  }
  return out;
}

/** The public record's name, which the file must be named after. */
export const javaRecordName = (v: SchemaVersion): string => buildModel(v.name, {}, TYPE_RESERVED).name;

/**
 * Generates a Java 16+ compilation unit for a schema version: a public record named after the
 * schema (its data's object type, or a record holding `value` when the data is not an object)
 * with one nested record per other object type. Each record's compact constructor checks that
 * required fields are present and enum values allowed. Component names are camelCase; the JSON
 * name is in each component's comment. Only java.base is used (no JSON library is assumed).
 */
export function generateJava(v: SchemaVersion): string {
  const model = buildModel(v.name, v.schema, TYPE_RESERVED);
  const root = model.name;
  const recordOf = (name: string, description: string | undefined, fields: readonly ModelField[], indent: string, body: string[]): string[] => {
    const scope = new NameScope(KEYWORDS);
    const comps: Component[] = fields.map((f) => ({ f, id: scope.claim(camelName(f.json), 'field'), boxed: !(f.required && !f.nullable && primitive(f.type)) }));
    const lines: string[] = [];
    if (description !== undefined) lines.push(`${indent}/** ${javaComment(description)} */`);
    const params = comps.map(({ f, id, boxed }) => `${indent}    /** JSON ${javaComment(JSON.stringify(f.json))}${f.required ? ', required' : ''}${f.description === undefined ? '' : `: ${javaComment(f.description)}`} */\n${indent}    ${javaType(f.type, boxed, root)} ${id}`);
    lines.push(`${indent}public${indent === '' ? '' : ' static'} record ${name}(${params.length === 0 ? '' : `\n${params.join(',\n')}\n${indent}`}) {`);
    const c = checks(comps, name).map((l) => `${indent}    ${l}`);
    if (c.length > 0) lines.push(`${indent}    public ${name} {`, ...c, `${indent}    }`);
    lines.push(...body, `${indent}}`);
    return lines;
  };
  const nested = model.decls.filter((d) => d.name !== root).flatMap((d) => ['', ...recordOf(d.name, d.description, d.fields, '    ', [])]);
  const header = [
    `// Generated by Switchyard from schema ${javaComment(JSON.stringify(v.name))} version ${v.version}${v.source === null ? '' : ` (source ${javaComment(JSON.stringify(v.source))})`}. Do not edit.`,
    '',
  ];
  const rootDecl = model.decls.find((d) => d.name === root);
  const description = `The data of ${v.name} events (schema version ${v.version}).`;
  const top = rootDecl !== undefined
    ? recordOf(root, rootDecl.description === undefined ? description : `${description} ${rootDecl.description}`, rootDecl.fields, '', nested)
    : recordOf(root, description, [{ json: 'value', type: model.root, required: !model.rootNullable, nullable: model.rootNullable, description: undefined }], '', nested);
  return [...header, ...top, ''].join('\n');
}
