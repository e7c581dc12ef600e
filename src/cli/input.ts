import { readFile } from 'node:fs/promises';
import { UsageError } from './errors.js';
import { readAll, type CliIo } from './io.js';

/**
 * A JSON value the user gave on the command line (a file, stdin or inline text), as JSON text
 * ready to send. Invariant: `text` is valid JSON and `JSON.parse(text)` equals `value`.
 * For JSON input `text` is the input itself (trimmed), so number literals such as
 * 9007199254740993 reach the server unchanged; YAML input is converted with JSON.stringify.
 */
export interface Document {
  /** Where it came from, for messages: `--pattern p.json`, `stdin`, `--event-text`. */
  readonly origin: string;
  readonly text: string;
  readonly value: unknown;
  readonly format: 'json' | 'yaml';
}

/**
 * Reads the JSON or YAML documents of one command, making sure stdin is consumed at most once.
 * The format is chosen per input: a file ending in .json is JSON, one ending in .yaml/.yml is
 * YAML; stdin, inline text and other files are JSON when their first non-blank character is
 * `{`, `[` or `"`, otherwise YAML.
 */
export class DocumentReader {
  private stdinBy: string | undefined;

  constructor(private readonly io: CliIo) {}

  /** Reads `file` given to `flag`; `-` means stdin. */
  async file(flag: string, file: string): Promise<Document> {
    if (file === '-') return this.stdin(`${flag} -`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(`${flag} ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
    }
    const lower = file.toLowerCase();
    const format = lower.endsWith('.json') ? 'json' : lower.endsWith('.yaml') || lower.endsWith('.yml') ? 'yaml' : undefined;
    return parseDocument(`${flag} ${file}`, text, format);
  }

  /**
   * Reads stdin whole. `implicit` is set when no flag asked for stdin: an interactive terminal
   * then gets a usage error instead of a silent wait for input.
   */
  async stdin(origin: string, implicit?: { missing: string }): Promise<Document> {
    if (this.stdinBy !== undefined) throw new UsageError(`${origin} and ${this.stdinBy} cannot both read stdin`);
    if (implicit !== undefined && (this.io.stdin as { isTTY?: boolean }).isTTY === true) throw new UsageError(implicit.missing);
    this.stdinBy = origin;
    return parseDocument(origin, await readAll(this.io.stdin), undefined);
  }
}

/** Parses inline text (a flag's value) as JSON or YAML by its first character. */
export function inlineDocument(flag: string, text: string): Promise<Document> {
  return parseDocument(flag, text, undefined);
}

async function parseDocument(origin: string, raw: string, format: 'json' | 'yaml' | undefined): Promise<Document> {
  const text = raw.trim();
  if (text === '') throw new UsageError(`${origin} is empty`);
  const chosen = format ?? ('{["'.includes(text[0]!) ? 'json' : 'yaml');
  if (chosen === 'json') {
    try {
      return { origin, text, value: JSON.parse(text), format: 'json' };
    } catch (e) {
      throw new UsageError(`${origin} is not valid JSON: ${(e as Error).message}`);
    }
  }
  // Loaded on demand: most inputs are JSON, and the CLI should start fast.
  const { parse: parseYaml } = await import('yaml');
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (e) {
    throw new UsageError(`${origin} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const json = JSON.stringify(value);
  if (json === undefined) throw new UsageError(`${origin} holds no JSON value`);
  return { origin, text: json, value: JSON.parse(json), format: 'yaml' };
}

/** Asserts the document is a JSON object (a rule, a pattern, a transformer). */
export function requireObject(doc: Document, what: string): Readonly<Record<string, unknown>> {
  if (typeof doc.value !== 'object' || doc.value === null || Array.isArray(doc.value)) {
    throw new UsageError(`${doc.origin} must hold ${what} (a JSON object)`);
  }
  return doc.value as Record<string, unknown>;
}

/** Asserts the document is a JSON array (targets, subscription filters). */
export function requireArray(doc: Document, what: string): readonly unknown[] {
  if (!Array.isArray(doc.value)) throw new UsageError(`${doc.origin} must hold ${what} (a JSON array)`);
  return doc.value;
}

/** The event pattern a flag gives as JSON text (checked by the server); a usage error when the text is not JSON. */
export function eventPatternFlag(flag: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`${flag} must be an event pattern in JSON, e.g. '{"type":["order.created"]}'`);
  }
}
