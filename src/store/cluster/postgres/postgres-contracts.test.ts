// The PostgreSQL ports of the cluster backend run every store contract suite that applies
// (src/store/contracts), each case in its own schema, dropped afterwards. The event log is
// JetStream's: its suite is skipped by name, and the other suites put events through a stand-in
// log (standin-event-log.fixture.ts) that feeds these ports as the cluster's log consumer does.
import { before } from 'node:test';
import type { ContractBackend, ContractOptions, BackendOptions } from '../../contracts/contract.fixture.js';
import { runEventLogContract } from '../../contracts/event-log.contract.js';
import { runCatalogContract } from '../../contracts/catalog.contract.js';
import { runDeliveryQueueContract } from '../../contracts/delivery-queue.contract.js';
import { runObserveIndexContract } from '../../contracts/observe-index.contract.js';
import { runCatalogFeedContract } from '../../contracts/catalog-feed.contract.js';
import { runHousekeepingContract } from '../../contracts/housekeeping.contract.js';
import { runEventTypesContract } from '../../contracts/event-types.contract.js';
import { runPullQueueContract } from '../../contracts/delivery-pull.contract.js';
import { runDelayedDeliveryContract } from '../../contracts/delayed-delivery.contract.js';
import { runConsumersContract } from '../../contracts/consumers.contract.js';
import { runTransactionLogContract } from '../../contracts/transaction-log.contract.js';
import { runArchiveStoreContract } from '../../contracts/archive-store.contract.js';
import { runReplayStoreContract } from '../../contracts/replay-store.contract.js';
import { runSourceCatalogContract } from '../../contracts/sources.contract.js';
import { runScheduleCatalogContract } from '../../contracts/schedule-catalog.contract.js';
import { runSourceDeadLettersContract } from '../../contracts/source-dead-letters.contract.js';
import { runBreakerBoardContract } from '../../contracts/breaker-board.contract.js';
import { ManualClock } from '../../../core/index.js';
import type { Store } from '../../types.js';
import { WriteHealth } from '../../write-health.js';
import { openPostgresPorts, type PostgresPorts } from './index.js';
import { MemoryBodies, StandInEventLog } from './standin-event-log.fixture.js';
import { dropSchema, freshSchema, requirePostgres, testPostgresUrl } from './postgres-test-db.fixture.js';

const TEST_POSTGRES_URL = testPostgresUrl(process.env);
before(() => requirePostgres(TEST_POSTGRES_URL));

const EVENT_LOG_CASES = [
  'event log - sequences per bus start at 1 and stay gap-free across concurrent appends',
  'event log - outcomes come in the order of the items, each stored at the clock time',
  'event log - a repeated (source, id) within the dedupe window is a duplicate naming the first sequence',
  'event log - at exactly the dedupe window age a repeat is stored again, and deduplicated from then on',
  'event log - the dedupe key includes the bus',
  'event log - with a dedupe window of 0 every repeat is stored',
  'event log - an append to a missing bus is rejected per item; the others are stored',
  'event log - get returns the event byte-exact with every index field; by id, narrowed by source',
  'event log - get answers the newest event with the id',
  'event log - absent subject and time read back as null; no matched rules as []',
  'event log - list filters by type, source, subject and time (from inclusive, to exclusive), in sequence order',
  'event log - list pages with a cursor: next is the last sequence of a full page, absent on the last page',
  'event log - count is per bus and 0 for a bus without events',
  'event log - retention by age and by count removes only what is past it',
  'event log - sequences continue after retention removed the oldest events',
  'event log - close waits for appends in flight; an append after close is refused',
  'event log - a reopened store keeps its events and continues their sequences',
  'event log - a reopened store still deduplicates within the window',
];

async function open(schema: string, o: BackendOptions, bodies: MemoryBodies, log: () => StandInEventLog): Promise<PostgresPorts> {
  return openPostgresPorts({
    url: TEST_POSTGRES_URL, schema, clock: o.clock, defaultRetentionMaxAgeMs: 7 * 24 * 3600 * 1000, poolSize: 4, eventBodies: bodies,
    appendCommitted: (key, items) => log().appendKeyed(key, items),
    ...(o.maxTypesPerBus === undefined ? {} : { maxTypesPerBus: o.maxTypesPerBus }),
  });
}

/** The ports as a Store, with the stand-in log in front (it reads `current()`, so a reopen switches it). */
function asStore(ports: PostgresPorts, log: StandInEventLog): Store {
  return {
    events: log, catalog: ports.catalog, deliveries: ports.deliveries, observe: ports.observe, eventTypes: ports.eventTypes,
    housekeeping: ports.housekeeping, writes: new WriteHealth({ classify: () => undefined }), close: () => ports.close(),
    archives: ports.archives, replays: ports.replays, consumers: ports.consumers, transactions: ports.transactions,
    sourceDeadLetters: ports.sourceDeadLetters,
  };
}

const backend: ContractOptions = {
  name: 'postgres',
  create: async (o): Promise<ContractBackend> => {
    const schema = freshSchema();
    const bodies = new MemoryBodies();
    let ports = await open(schema, o, bodies, () => log);
    const log: StandInEventLog = new StandInEventLog(() => ports, o.clock, o.dedupeWindowMs, bodies);
    return {
      store: asStore(ports, log),
      reopen: async () => {
        await ports.close();
        ports = await open(schema, o, bodies, () => log);
        return asStore(ports, log);
      },
      cleanup: async () => {
        await ports.close();
        await dropSchema(TEST_POSTGRES_URL, schema);
      },
    };
  },
  skip: Object.fromEntries(EVENT_LOG_CASES.map((name) => [name, 'the event log is in JetStream (cluster-js)'])),
};

runEventLogContract(backend);
runCatalogContract(backend);
runCatalogFeedContract(backend);
runDeliveryQueueContract(backend);
runObserveIndexContract(backend);
runHousekeepingContract(backend);
runEventTypesContract(backend);
runPullQueueContract(backend);
runDelayedDeliveryContract(backend);
runConsumersContract(backend);
runTransactionLogContract(backend);
runArchiveStoreContract(backend);
runReplayStoreContract(backend);
runSourceCatalogContract(backend);
runScheduleCatalogContract(backend);
runSourceDeadLettersContract(backend);

// Two nodes' boards: two sets of ports (pools, LISTEN connections) on one schema.
runBreakerBoardContract({
  name: 'postgres (two nodes)',
  create: async () => {
    const schema = freshSchema();
    const clock = new ManualClock();
    const bodies = new MemoryBodies();
    const o = { clock, dedupeWindowMs: 60_000 };
    const nodes: PostgresPorts[] = [];
    // No events are put in these cases: the ports never append.
    const noLog = (): StandInEventLog => { throw new Error('no event log in the breaker board cases'); };
    try {
      nodes.push(await open(schema, o, bodies, noLog));
      nodes.push(await open(schema, o, bodies, noLog));
    } catch (err) {
      await Promise.all(nodes.map((n) => n.close()));
      await dropSchema(TEST_POSTGRES_URL, schema);
      throw err;
    }
    return {
      boards: [nodes[0]!.breakers, nodes[1]!.breakers],
      cleanup: async () => {
        await Promise.all(nodes.map((n) => n.close()));
        await dropSchema(TEST_POSTGRES_URL, schema);
      },
    };
  },
});
