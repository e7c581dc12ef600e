// The AWS EventBridge API (docs/aws-compatibility.md): the JSON 1.1 protocol, SigV4, and each
// operation mapped onto Switchyard's own services.
export { awsRoutes, type AwsApiDeps } from './routes.js';
export type { AwsCatalog, AwsContext } from './context.js';
export { OPERATIONS } from './operations.js';
