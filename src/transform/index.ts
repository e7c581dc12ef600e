// Public surface of src/transform (DESIGN.md §3): the four transformers of DESIGN.md §8 plus the
// AWS InputPath / InputTransformer / Input forms. Semantics: docs/transformers.md.
export { compileTransform, checkTransform, type CompiledTransform, type TransformCheck } from './compile.js';
export { testTransform, type TransformTestResult } from './test-transform.js';
export {
  applyToEvent,
  applyToEventText,
  outputValue,
  CONTENT_TYPE,
  type TransformOutput,
  type OutputFormat,
} from './output.js';
export { PREDEFINED_VARIABLE_NAMES, type TransformContext } from './variables.js';
export type { TransformSpec, TemplateFormat } from './spec.js';
export { compilePath, type CompiledPath, type PathCompile } from './jsonpath/evaluate.js';
export { DEFAULT_MAX_OUTPUT_BYTES, type TransformLimits } from './limits.js';
