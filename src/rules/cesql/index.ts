// Public surface of src/rules/cesql: CloudEvents SQL v1 (docs/cesql.md).
export { compileCesql, type CesqlExpression, type CesqlResult, type CesqlCompileOptions } from './expression.js';
export { parseCesql, MAX_CESQL_DEPTH } from './parser.js';
export { printCesql } from './printer.js';
export { castTo as castCesqlValue, type CastResult as CesqlCastResult } from './cast.js';
export type { CesqlNode, UnaryOp as CesqlUnaryOp, BinaryOp as CesqlBinaryOp } from './ast.js';
export type { CesqlError, CesqlErrorKind } from './errors.js';
export type { CesqlFunction, CesqlFunctionResult } from './functions/function.js';
export type { CesqlValue, CesqlType, CesqlParamType } from './types.js';
