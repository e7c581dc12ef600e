// Configuration as code (docs/config-as-code.md): the document, the server's state, the plan.
export { parseConfig, configValue, type ConfigDoc } from './document.js';
export { readServerState, MASK } from './server-state.js';
export { planChanges, type Change, type Conflict, type Plan } from './plan.js';
