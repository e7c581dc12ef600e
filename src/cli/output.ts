import Table from 'cli-table3';
import type { Writable } from 'node:stream';
import { prettyJson } from './json-text.js';

/** A table cell: undefined/null print as an empty cell. */
export type Cell = string | number | boolean | null | undefined;

/**
 * Prints rows as a bordered table. No colours: output is often piped or captured, and ANSI codes
 * would end up in files and test expectations.
 */
export function printTable(out: Writable, head: readonly string[], rows: readonly (readonly Cell[])[]): void {
  const table = new Table({ head: [...head], style: { head: [], border: [] } });
  for (const r of rows) table.push(r.map((c) => (c === undefined || c === null ? '' : String(c))));
  out.write(table.toString() + '\n');
}

/** Prints JSON text (as received from the server) re-indented, numbers byte-exact. */
export function printJsonText(out: Writable, text: string): void {
  out.write(prettyJson(text) + '\n');
}

/** Prints a value the CLI built itself as indented JSON. */
export function printJson(out: Writable, value: unknown): void {
  out.write(JSON.stringify(value, null, 2) + '\n');
}
