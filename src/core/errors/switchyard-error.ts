import { errorRegistry, type ErrorCode } from './registry.js';

/** One violation in a validation failure: where (a JSON-pointer-like path) and why. */
export interface Violation {
  readonly path: string;
  readonly reason: string;
  /** Optional finer code for this violation (a registry code). */
  readonly code?: ErrorCode;
}

/**
 * A public error: a registry code, a message safe to show a client and, for validation,
 * one violation per problem. The `cause` is for logs only and never reaches a client.
 */
export class SwitchyardError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly violations: readonly Violation[];
  readonly extra: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    options: { violations?: readonly Violation[]; cause?: unknown; extra?: Record<string, unknown> } = {},
  ) {
    const spec = errorRegistry[code];
    super(message ?? spec.title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SwitchyardError';
    this.code = code;
    this.status = spec.status;
    this.violations = options.violations ?? [];
    this.extra = options.extra;
  }
}

export function isSwitchyardError(e: unknown): e is SwitchyardError {
  return e instanceof SwitchyardError;
}
