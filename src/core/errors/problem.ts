import { errorRegistry, type ErrorCode } from './registry.js';
import type { SwitchyardError, Violation } from './switchyard-error.js';

/** RFC 9457 problem details, with Switchyard's `code` and `violations` extensions. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ErrorCode;
  readonly instance?: string;
  readonly violations?: readonly Violation[];
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(code: ErrorCode): string {
  return `https://switchyard.dev/errors#${code.toLowerCase()}`;
}

export function toProblem(err: SwitchyardError, instance?: string): Problem {
  const spec = errorRegistry[err.code];
  return {
    ...(err.extra ?? {}),
    type: problemType(err.code),
    title: spec.title,
    status: err.status,
    detail: err.message,
    code: err.code,
    ...(instance === undefined ? {} : { instance }),
    ...(err.violations.length > 0 ? { violations: err.violations } : {}),
  };
}
