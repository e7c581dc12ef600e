import type { Violation } from '../../../core/index.js';
import type { BrokerTargetOptions } from './broker-target.js';
import { checkBrokerUrl, checkConnectionName } from './broker-url.js';

type SpecObject = Readonly<Record<string, unknown>>;

/** Fields every broker kind has (besides the engine's generic ones, which include timeoutMs). */
export const BROKER_FIELDS = ['url', 'connection', 'mode', 'variables'] as const;

/** Connect + publish + confirmation of one send, when the target sets no timeoutMs. */
export const DEFAULT_BROKER_TIMEOUT_MS = 10_000;

/** Checks url, connection and mode (`modes`: the content modes the kind supports). */
export function checkBrokerFields(spec: SpecObject, schemes: readonly string[], path: string, out: Violation[], modes: readonly string[] = ['binary', 'structured']): void {
  checkBrokerUrl(spec.url, schemes, path, out);
  checkConnectionName(spec.connection, path, out);
  if (spec.mode !== undefined && (typeof spec.mode !== 'string' || !modes.includes(spec.mode))) out.push({ path: `${path}/mode`, reason: `must be ${modes.map((m) => `"${m}"`).join(' or ')}` });
}

/** The options of BrokerTarget from a checked spec. */
export function brokerOptionsOf(spec: SpecObject, defaultMode: 'binary' | 'structured' = 'binary'): BrokerTargetOptions {
  return {
    url: spec.url as string,
    mode: (spec.mode as 'binary' | 'structured' | undefined) ?? defaultMode,
    timeoutMs: typeof spec.timeoutMs === 'number' ? spec.timeoutMs : DEFAULT_BROKER_TIMEOUT_MS,
    ...(typeof spec.connection === 'string' ? { connection: spec.connection } : {}),
  };
}
