import type { Writable } from 'node:stream';

/** One violation as the server reports it in problem+json (`path` is a JSON pointer). */
export interface ProblemViolation {
  readonly path: string;
  readonly reason: string;
}

/** The RFC 9457 problem+json body, as far as the CLI reads it. */
export interface ProblemBody {
  readonly code?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly violations?: readonly ProblemViolation[];
}

/**
 * The server answered with a non-2xx status. `problem` is the parsed problem+json body, or
 * undefined when the answer was not one (a proxy's HTML page, say); `text` is the raw body.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemBody | undefined,
    readonly text: string,
  ) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

/** The server could not be reached at all (refused, unknown host, reset, timeout). */
export class ConnectionError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach Switchyard at ${url}: ${reason}`);
    this.name = 'ConnectionError';
  }
}

/** The command line itself is wrong (bad flag combination, unreadable --data): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Ends a command with a non-zero exit code after it printed its own answer, with no error
 * message (e.g. `test-pattern` exits 1 when the event does not match).
 */
export class ExitStatus extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'ExitStatus';
  }
}

/** Exit codes: 0 ok, 1 the operation failed (server error, unreachable), 2 usage error. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * Writes a failed command's error to `stderr` and returns its exit code. Server errors print as
 * `error SWY_CODE: detail` plus one `  path: reason` line per violation, so scripts can grep the
 * stable code. Anything unexpected is a bug: its stack is printed and the exit code is 1.
 */
export function reportError(e: unknown, stderr: Writable): number {
  if (e instanceof ExitStatus) return e.exitCode;
  if (e instanceof ApiError) {
    const p = e.problem;
    const code = p?.code ?? `HTTP ${e.status}`;
    const detail = p?.detail ?? p?.title ?? (e.text.trim().slice(0, 200) || 'no details');
    stderr.write(`error ${code}: ${detail}\n`);
    for (const v of p?.violations ?? []) stderr.write(`  ${v.path}: ${v.reason}\n`);
    return EXIT_FAILURE;
  }
  if (e instanceof ConnectionError) {
    stderr.write(`error: ${e.message}\n  is the server running? Start it with \`switchyard start\`, or point --url / SWITCHYARD_URL at it.\n`);
    return EXIT_FAILURE;
  }
  if (e instanceof UsageError) {
    stderr.write(`error: ${e.message}\n`);
    return EXIT_USAGE;
  }
  stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return EXIT_FAILURE;
}
