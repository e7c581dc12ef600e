// Public surface of src/schemas (DESIGN.md §3): registry, validation, discovery, codegen, AsyncAPI.
export type { SchemaDialect, CompatibilityMode, ValidationMode, SchemaInfo, SchemaVersion, BusSchemaSettings, SchemaStorage } from './types.js';
export { SchemaRegistry, type AddVersionResult } from './registry.js';
export { SchemaCompiler, detectDialect } from './compiler.js';
export { checkCompatibility, type CompatibilityBreak } from './compatibility.js';
export { parseDataschema, versionUrn, type VersionRef } from './dataschema.js';
export { SchemaValidator, type SchemaCheck, type SchemaCheckListener } from './event-validator.js';
export { SCHEMA_LIMITS, SCHEMA_NAME_PATTERN, SCHEMA_SOURCE_PATTERN, isSchemaName, isSchemaSource, checkSchemaLimits } from './limits.js';
export { SchemaDiscovery } from './discovery.js';
export { ShapeAccumulator, DEFAULT_INFER_OPTIONS, type InferOptions } from './infer.js';
export { generateTypeScript, generateCode, codeFileName, isCodeLanguage, CODE_LANGUAGES, typeName, type CodeLanguage } from './codegen/index.js';
export { sampleValue, sampleEvent } from './sample.js';
export { asyncApiDocument } from './asyncapi.js';
export { asyncApiSchemas, type AsyncApiImport, type ImportedSchema } from './asyncapi-import.js';
export { lintDataPaths, type PatternWarning } from './pattern-lint.js';
