// Support of the cluster suites: `switchyard start` child processes in cluster mode on one
// isolated namespace (a random stream prefix and PostgreSQL schema, removed by `drop`).
import { startChild, tempDataDir, type ChildServer } from '../e2e/_child.js';
import { dropNamespace, isolatedNames, TEST_NATS, TEST_POSTGRES } from '../../src/store/cluster/cluster-store.fixture.js';

export interface Namespace {
  readonly streamPrefix: string;
  readonly postgresSchema: string;
  readonly nats: string;
  readonly postgres: string;
}

export function newNamespace(tag: string, engines: { nats?: string; postgres?: string } = {}): Namespace {
  return { ...isolatedNames(tag), nats: engines.nats ?? TEST_NATS, postgres: engines.postgres ?? TEST_POSTGRES };
}

export const dropAll = (ns: Namespace): Promise<void> => dropNamespace(ns, ns.nats, ns.postgres);

/** A fixed 32-byte key for test clusters (base64). */
export const CLUSTER_TEST_KEY = Buffer.alloc(32, 7).toString('base64');

/** The environment of a cluster node in the namespace, with fast delivery polling and short leases. */
export function clusterEnv(ns: Namespace, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SWITCHYARD_STORAGE_KIND: 'cluster',
    // Every node seals secrets with the same key (required in cluster mode).
    SWITCHYARD_DELIVERY_SECRET_KEY: CLUSTER_TEST_KEY,
    SWITCHYARD_STORAGE_NATS_SERVERS: JSON.stringify([ns.nats]),
    SWITCHYARD_STORAGE_NATS_STREAM_PREFIX: ns.streamPrefix,
    SWITCHYARD_STORAGE_NATS_REQUEST_TIMEOUT_MS: '2000',
    SWITCHYARD_STORAGE_POSTGRES_URL: ns.postgres,
    SWITCHYARD_STORAGE_POSTGRES_SCHEMA: ns.postgresSchema,
    SWITCHYARD_STORAGE_POSTGRES_POOL_SIZE: '4',
    SWITCHYARD_STORAGE_CONNECT_TIMEOUT_MS: '3000',
    SWITCHYARD_DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
    SWITCHYARD_DELIVERY_POLL_INTERVAL_MS: '100',
    SWITCHYARD_DELIVERY_LEASE_MS: '2000',
    SWITCHYARD_OBSERVE_SYSTEM_EVENTS: 'false',
    ...extra,
  };
}

/** One cluster node as a child process; `kill` SIGKILLs it. */
export interface Node {
  readonly url: string;
  readonly child: ChildServer;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startNode(ns: Namespace, extra: Record<string, string> = {}): Promise<Node> {
  const child = await startChild(tempDataDir(), clusterEnv(ns, extra));
  return {
    url: child.url,
    child,
    kill: async () => {
      child.proc.kill('SIGKILL');
      await child.exited;
    },
    stop: async () => {
      child.proc.kill('SIGTERM');
      await child.exited;
    },
  };
}

/** A put of one structured event; answers the status and body (a refused connection is status 0). */
export async function putOne(url: string, event: Record<string, unknown>, bus = 'default'): Promise<{ status: number; body: unknown }> {
  try {
    const res = await fetch(`${url}/v1/buses/${bus}/events`, {
      method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(event), signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  } catch {
    return { status: 0, body: null };
  }
}

/** Every event of a bus read through a node's API, in sequence order. */
export async function readAll(url: string, bus = 'default'): Promise<{ id: string; sequence: number }[]> {
  const out: { id: string; sequence: number }[] = [];
  let after: string | undefined;
  for (;;) {
    const res = await fetch(`${url}/v1/buses/${bus}/events?limit=500${after === undefined ? '' : `&after=${after}`}`);
    if (res.status !== 200) throw new Error(`listing events: HTTP ${res.status} ${await res.text()}`);
    const page = await res.json() as { items: { event: { id: string }; sequence: number }[]; next?: string | number };
    for (const it of page.items) out.push({ id: it.event.id, sequence: it.sequence });
    if (page.next === undefined) return out;
    after = String(page.next);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
