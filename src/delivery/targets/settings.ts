import path from 'node:path';
import type { Config } from '../../config/index.js';
import { allowPrivateNetworksFor } from '../ssrf/index.js';
import { loadSecretKey } from '../connections/secret-key.js';

/** The target-related settings the server derives from the configuration at start-up. */
export interface TargetSettings {
  /** Effective `delivery.allowPrivateNetworks` (`auto` resolved against server.host). */
  readonly allowPrivateNetworks: boolean;
  /** Where file targets write: `delivery.fileDirectory`, else `<dataDir>/files`. */
  readonly fileDirectory: string;
  /** The 32-byte key sealing secrets (configured, or generated into the data dir). */
  readonly secretKey: Buffer;
}

/**
 * Resolves the delivery settings of targets and connections. Reads (and on first start
 * writes) the generated key file, so call it once while starting the server.
 */
export function targetSettings(config: Config): TargetSettings {
  const dataDir = config.storage.dataDir;
  return {
    allowPrivateNetworks: allowPrivateNetworksFor(config.delivery.allowPrivateNetworks, config.server.host),
    fileDirectory: path.resolve(config.delivery.fileDirectory ?? (dataDir === ':memory:' ? path.join('data', 'files') : path.join(dataDir, 'files'))),
    secretKey: loadSecretKey(config.delivery.secretKey, dataDir),
  };
}
