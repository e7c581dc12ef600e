import { CommanderError, type Command } from 'commander';
import type { Writable } from 'node:stream';
import { EXIT_USAGE, reportError } from './errors.js';

/**
 * Parses `argv` and runs the chosen command; resolves to the process exit code:
 * 0 done (help and --version included), 1 the operation failed, 2 the command line is wrong.
 * Requires `program.exitOverride()`: commander then throws its usage errors (already printed,
 * exit code 1 by its default) and this maps them to 2.
 */
export async function runProgram(program: Command, argv: readonly string[], stderr: Writable): Promise<number> {
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_USAGE;
    return reportError(e, stderr);
  }
}
