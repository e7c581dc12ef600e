/**
 * The effective `delivery.allowPrivateNetworks`: `auto` (the default) allows private networks
 * only while the server listens on a loopback address — local development, where targets
 * usually run on the same machine — and refuses them as soon as the server is reachable
 * from a network.
 */
export function allowPrivateNetworksFor(setting: 'auto' | 'true' | 'false' | boolean, listenHost: string): boolean {
  if (setting === true || setting === 'true') return true;
  if (setting === false || setting === 'false') return false;
  const h = listenHost.startsWith('[') ? listenHost.slice(1, -1) : listenHost;
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}
