// The cluster backend runs every store contract (src/store/contracts) against the machine's NATS
// JetStream and PostgreSQL, each case in its own stream prefix and schema, dropped afterwards.
import type { ContractBackend, ContractOptions } from '../contracts/contract.fixture.js';
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
import { runBreakerBoardContract } from '../contracts/breaker-board.contract.js';
import { ManualClock } from '../../core/index.js';
import { dropNamespace, isolatedNames, openTestStore, testStoreOptions } from './cluster-store.fixture.js';
import type { ClusterStore } from './cluster-store.js';

const cluster: ContractOptions = {
  name: 'cluster (JetStream + PostgreSQL)',
  create: async (o): Promise<ContractBackend> => {
    const ns = isolatedNames('c');
    const opts = testStoreOptions(ns, o.clock, { dedupeWindowMs: o.dedupeWindowMs, ...(o.maxTypesPerBus === undefined ? {} : { maxTypesPerBus: o.maxTypesPerBus }) });
    let store: ClusterStore;
    try {
      store = await openTestStore(opts);
    } catch (err) {
      await dropNamespace(ns);
      throw err;
    }
    let open = true;
    return {
      store,
      reopen: async () => {
        await store.close();
        store = await openTestStore(opts);
        return store;
      },
      cleanup: async () => {
        if (open) await store.close().catch(() => undefined);
        open = false;
        await dropNamespace(ns);
      },
    };
  },
};

runEventLogContract(cluster);
runCatalogContract(cluster);
runDeliveryQueueContract(cluster);
runObserveIndexContract(cluster);
runCatalogFeedContract(cluster);
runHousekeepingContract(cluster);
runEventTypesContract(cluster);
runArchiveStoreContract(cluster);
runReplayStoreContract(cluster);
runPullQueueContract(cluster);
runConsumersContract(cluster);
runDelayedDeliveryContract(cluster);
runTransactionLogContract(cluster);
runScheduleCatalogContract(cluster);
runSourceDeadLettersContract(cluster);
runSourceCatalogContract(cluster);

// The store's shared breakers as two nodes of one cluster see them.
runBreakerBoardContract({
  name: 'cluster (two nodes)',
  create: async () => {
    const ns = isolatedNames('c');
    const opts = testStoreOptions(ns, new ManualClock(), { dedupeWindowMs: 60_000 });
    const nodes: ClusterStore[] = [];
    try {
      nodes.push(await openTestStore(opts));
      nodes.push(await openTestStore(opts));
    } catch (err) {
      await Promise.all(nodes.map((n) => n.close()));
      await dropNamespace(ns);
      throw err;
    }
    return {
      boards: [nodes[0]!.breakers, nodes[1]!.breakers],
      cleanup: async () => {
        await Promise.all(nodes.map((n) => n.close().catch(() => undefined)));
        await dropNamespace(ns);
      },
    };
  },
});
