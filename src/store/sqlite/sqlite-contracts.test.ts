// The SQLite backend runs every store contract (src/store/contracts), in memory and on a file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ContractBackend, ContractOptions, BackendOptions } from '../contracts/contract.fixture.js';
import { runEventLogContract } from '../contracts/event-log.contract.js';
import { runCatalogContract } from '../contracts/catalog.contract.js';
import { runDeliveryQueueContract } from '../contracts/delivery-queue.contract.js';
import { runObserveIndexContract } from '../contracts/observe-index.contract.js';
import { runCatalogFeedContract } from '../contracts/catalog-feed.contract.js';
import { runHousekeepingContract } from '../contracts/housekeeping.contract.js';
import { runEventTypesContract } from '../contracts/event-types.contract.js';
import { runArchiveStoreContract } from '../contracts/archive-store.contract.js';
import { runReplayStoreContract } from '../contracts/replay-store.contract.js';
import { runPullQueueContract } from '../contracts/delivery-pull.contract.js';
import { runConsumersContract } from '../contracts/consumers.contract.js';
import { runDelayedDeliveryContract } from '../contracts/delayed-delivery.contract.js';
import { runTransactionLogContract } from '../contracts/transaction-log.contract.js';
import { runScheduleCatalogContract } from '../contracts/schedule-catalog.contract.js';
import { runSourceDeadLettersContract } from '../contracts/source-dead-letters.contract.js';
import { runSourceCatalogContract } from '../contracts/sources.contract.js';
import { SqliteStore } from './sqlite-store.js';

const open = (dataDir: string, o: BackendOptions): SqliteStore => new SqliteStore({
  dataDir, durability: 'process', groupCommitMaxEvents: 1000, dedupeWindowMs: o.dedupeWindowMs,
  defaultRetentionMaxAgeMs: 7 * 24 * 3600 * 1000, sweepBatch: 10_000, clock: o.clock,
  // No checkpoint worker thread per case: SQLite's own auto-checkpoint is enough here.
  walCheckpointMs: 0,
  ...(o.maxTypesPerBus === undefined ? {} : { maxTypesPerBus: o.maxTypesPerBus }),
});

const closeIfOpen = async (s: SqliteStore): Promise<void> => {
  if (s.db.open) await s.close();
};

/** The cases that close and reopen a store. */
const REOPEN_CASES = [
  'event log - a reopened store keeps its events and continues their sequences',
  'event log - a reopened store still deduplicates within the window',
  'catalog - a reopened store keeps buses and rules',
  'catalog - a reopened store keeps schemas, connections and signing secrets',
  'delivery queue - after a reopen a leased delivery is leased again, at the latest when its lease ends',
  'delivery queue - a reopened store keeps pending deliveries, attempts and target health',
  'event catalogue - a reopened store keeps its rows and goes on counting',
  'archives - a reopened store keeps archives and their copies',
  'replays - a reopened store keeps jobs with their cursor and state',
  'pull queue - a reopened store keeps pull leases until their time, and their tokens still settle',
  'consumers - a reopened store keeps consumers and their offsets',
  'delayed delivery - a reopened store keeps the due time of a delayed delivery',
  'transaction log - a reopened store keeps open transactions, their held events and check-back times',
  'schedules - a reopened store keeps schedules and their cursors',
  'source dead letters - a reopened store keeps them',
  'sources - a reopened store keeps sources, their state and counters',
];

const inMemory: ContractOptions = {
  name: 'sqlite :memory:',
  create: (o): ContractBackend => {
    const store = open(':memory:', o);
    return { store, cleanup: () => closeIfOpen(store) };
  },
  skip: Object.fromEntries(REOPEN_CASES.map((name) => [name, 'a :memory: database ends with its connection (the file-backed run covers it)'])),
};

const onFile: ContractOptions = {
  name: 'sqlite file',
  create: (o): ContractBackend => {
    const dir = mkdtempSync(path.join(tmpdir(), 'swy-contract-'));
    let store = open(dir, o);
    return {
      store,
      reopen: async () => {
        await store.close();
        store = open(dir, o);
        return store;
      },
      cleanup: async () => {
        await closeIfOpen(store);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

for (const backend of [inMemory, onFile]) {
  runEventLogContract(backend);
  runCatalogContract(backend);
  runDeliveryQueueContract(backend);
  runObserveIndexContract(backend);
  runCatalogFeedContract(backend);
  runHousekeepingContract(backend);
  runEventTypesContract(backend);
  runArchiveStoreContract(backend);
  runReplayStoreContract(backend);
  runPullQueueContract(backend);
  runConsumersContract(backend);
  runDelayedDeliveryContract(backend);
  runTransactionLogContract(backend);
  runScheduleCatalogContract(backend);
  runSourceDeadLettersContract(backend);
  runSourceCatalogContract(backend);
}
