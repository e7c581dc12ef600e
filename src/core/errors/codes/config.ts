import type { ErrorTable } from '../spec.js';

/** Error codes of the config area. Codes are stable: never rename or reuse one. */
export const configErrors = {
  SWY_CONFIG_INVALID: { status: 500, title: 'Invalid configuration', doc: 'A configuration value (file, env or flag) is missing, of the wrong type or out of range. The message names the key; the server exits with code 2.' },
  SWY_CONFIG_FILE_UNREADABLE: { status: 500, title: 'Configuration file unreadable', doc: 'The file given with --config does not exist, cannot be read or is not valid YAML. The server exits with code 2.' },
  SWY_CONFIG_INSECURE_LISTEN: { status: 500, title: 'Refusing to listen without API keys', doc: 'server.host is not a loopback address and auth.apiKeys is empty: configure at least one key. The server exits with code 2.' },
} as const satisfies ErrorTable;
