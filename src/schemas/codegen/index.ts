// Code generation from a schema version: TypeScript (types and a guard), Python, Java, Go.
import type { SchemaVersion } from '../types.js';
import { generateGo } from './go.js';
import { generateJava, javaRecordName } from './java.js';
import { generatePython } from './python.js';
import { generateTypeScript } from './typescript.js';

export { typeName } from './names.js';
export { generateTypeScript };

/** The languages `generateCode` knows, by their `lang` name in the API and the CLI. */
export const CODE_LANGUAGES = ['typescript', 'python', 'java', 'go'] as const;
export type CodeLanguage = (typeof CODE_LANGUAGES)[number];

export const isCodeLanguage = (lang: string): lang is CodeLanguage => (CODE_LANGUAGES as readonly string[]).includes(lang);

/** The file name a generated module is saved under (Java requires the public record's name). */
export function codeFileName(lang: CodeLanguage, v: SchemaVersion): string {
  const base = v.name.replace(/[^A-Za-z0-9._-]+/g, '_');
  switch (lang) {
    case 'typescript': return `${base}.ts`;
    case 'python': return `${base.replace(/[.-]/g, '_')}.py`;
    case 'go': return `${base.replace(/[.-]/g, '_')}.go`;
    case 'java': return `${javaRecordName(v)}.java`;
  }
}

/** The source text of one generated module. */
export function generateCode(lang: CodeLanguage, v: SchemaVersion): string {
  switch (lang) {
    case 'typescript': return generateTypeScript(v);
    case 'python': return generatePython(v);
    case 'java': return generateJava(v);
    case 'go': return generateGo(v);
  }
}
