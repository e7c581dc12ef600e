export type { ErrorSpec, ErrorTable } from './spec.js';
export { errorRegistry, errorAreas, errorSpec, type ErrorCode } from './registry.js';
export { SwitchyardError, isSwitchyardError, type Violation } from './switchyard-error.js';
export { toProblem, problemType, PROBLEM_CONTENT_TYPE, type Problem } from './problem.js';
