import { randomUUID } from 'node:crypto';
import { KeyedLock, SwitchyardError, type Clock } from '../core/index.js';
import { parseStoredEvent } from '../events/index.js';
import type { AppendItem, BusDirectory, EndOutcome, Store, TransactionEndedBy, TransactionRecord, TransactionState } from '../store/index.js';
import { DELIVER_AT, checkDeliverAt } from './delay.js';
import { transactionNotFound, type IngestObserver, type PutResult } from './ingest-service.js';
import type { EventRouter } from './router.js';
import type { DeliveryPlanner } from './rule-router.js';

export interface TransactionSettings {
  /** Wait before the first check-back, when a begin sets none (config transactions.checkAfterMs). */
  readonly checkAfterMs: number;
  /** Most transactions open at once (config transactions.maxOpen). */
  readonly maxOpen: number;
}

export interface BeginOptions {
  readonly checkUrl?: string | undefined;
  readonly checkAfterMs?: number | undefined;
}

/** A commit's answer: the transaction as it ended, and each event's result in put order. */
export interface CommitResult {
  readonly transaction: TransactionRecord;
  readonly results: PutResult[];
}

/** Retries of a commit that found the transaction changed under it (a put slipped in): then it gives up. */
const COMMIT_TRIES = 5;

/**
 * Transactional ("half") messages (docs/delay-and-transactions.md): begin, commit and rollback.
 * Puts into a transaction go through {@link IngestService.put} with `transaction` (validated
 * like any put, then held by the store). A commit reads the held events, routes each against
 * the bus's rules as they are now, and has the store append them all with their deliveries and
 * end the transaction in one write; a rollback discards them. The check-back scheduler
 * (TransactionChecker) ends transactions through the same two calls.
 *
 * One commit, rollback or check of a transaction runs at a time in this process (a keyed
 * lock); across processes the store's `expected` count and final states keep them apart.
 */
export class TransactionService {
  readonly #store: Store;
  readonly #buses: BusDirectory;
  readonly #router: EventRouter;
  readonly #planner: DeliveryPlanner | undefined;
  readonly #observer: IngestObserver | undefined;
  readonly #clock: Clock;
  readonly #settings: TransactionSettings;
  readonly #lock = new KeyedLock();

  constructor(deps: { store: Store; buses: BusDirectory; router: EventRouter; planner?: DeliveryPlanner; observer?: IngestObserver; clock: Clock; settings: TransactionSettings }) {
    this.#store = deps.store;
    this.#buses = deps.buses;
    this.#router = deps.router;
    this.#planner = deps.planner;
    this.#observer = deps.observer;
    this.#clock = deps.clock;
    this.#settings = deps.settings;
  }

  /**
   * Begins a transaction on a bus. Throws SWY_STORE_BUS_NOT_FOUND, or SWY_INGEST_TX_TOO_MANY
   * when transactions.maxOpen are open.
   *
   * @example
   * const tx = await transactions.begin('orders', { checkUrl: 'https://shop.example/tx-check' });
   * await ingest.put('orders', events, origin, { transaction: tx.id });
   * await transactions.commit('orders', tx.id, 'producer');
   */
  async begin(bus: string, options: BeginOptions = {}): Promise<TransactionRecord> {
    await this.#requireBus(bus);
    const tx = await this.#store.transactions.begin({
      bus, id: `tx_${randomUUID().replaceAll('-', '')}`, checkUrl: options.checkUrl ?? null, checkAfterMs: options.checkAfterMs ?? this.#settings.checkAfterMs,
    }, this.#clock.now(), this.#settings.maxOpen);
    if (tx === undefined) throw new SwitchyardError('SWY_INGEST_TX_TOO_MANY', `${this.#settings.maxOpen} transactions are open; commit or roll back some first`);
    return tx;
  }

  async get(bus: string, id: string): Promise<TransactionRecord> {
    const tx = await this.#store.transactions.get(bus, id);
    if (tx === undefined) throw transactionNotFound(bus, id);
    return tx;
  }

  /** A bus's transactions, newest first; SWY_STORE_BUS_NOT_FOUND for a bus that does not exist. */
  async list(bus: string, state: TransactionState | undefined, limit: number): Promise<TransactionRecord[]> {
    await this.#requireBus(bus);
    return this.#store.transactions.list(bus, state, limit);
  }

  async #requireBus(bus: string): Promise<void> {
    if (this.#buses.bus(bus) === undefined && (await this.#store.catalog.buses.get(bus)) === undefined) {
      throw new SwitchyardError('SWY_STORE_BUS_NOT_FOUND', `bus "${bus}" does not exist`);
    }
  }

  /**
   * Commits: every held event is appended to the bus in put order, matched against the rules as
   * they are now, with its deliveries — atomically. Throws SWY_INGEST_TX_NOT_FOUND or
   * SWY_INGEST_TX_CLOSED.
   */
  commit(bus: string, id: string, by: TransactionEndedBy, detail?: string): Promise<CommitResult> {
    return this.#lock.run(`${bus}\u0000${id}`, async () => {
      for (let i = 0; i < COMMIT_TRIES; i++) {
        const held = await this.#store.transactions.held(bus, id);
        const items = held.map((h): AppendItem => this.#route(bus, h));
        const startedAt = this.#observer === undefined ? 0 : performance.now();
        const now = this.#clock.now();
        const end = await this.#store.transactions.commit(bus, id, held.length, items, { type: 'committed', at: now, by, ...(detail === undefined ? {} : { detail }) });
        if (end.type === 'changed' && i < COMMIT_TRIES - 1) continue;
        if (end.type !== 'ended') throw this.#notOpen(bus, id, end);
        this.#observer?.appended(items, end.outcomes, startedAt);
        const results = end.outcomes.map((o, k): PutResult => {
          const it = items[k]!;
          if (o.type === 'rejected') throw new SwitchyardError(o.code, o.message);
          return o.type === 'duplicate' ? { id: it.id, source: it.source, sequence: o.sequence, duplicate: true } : { id: it.id, source: it.source, sequence: o.sequence };
        });
        return { transaction: end.transaction, results };
      }
      throw new Error('unreachable: the last try answers or throws');
    });
  }

  /** Rolls back: the held events are discarded. Throws SWY_INGEST_TX_NOT_FOUND or SWY_INGEST_TX_CLOSED. */
  rollback(bus: string, id: string, by: TransactionEndedBy, detail?: string): Promise<TransactionRecord> {
    return this.#lock.run(`${bus}\u0000${id}`, async () => {
      const end = await this.#store.transactions.rollback(bus, id, { type: 'rolled-back', at: this.#clock.now(), by, ...(detail === undefined ? {} : { detail }) });
      if (end.type !== 'ended') throw this.#notOpen(bus, id, end);
      return end.transaction;
    });
  }

  #notOpen(bus: string, id: string, end: Exclude<EndOutcome, { type: 'ended' }>): SwitchyardError {
    switch (end.type) {
      case 'not-found':
        return transactionNotFound(bus, id);
      case 'closed':
        return new SwitchyardError('SWY_INGEST_TX_CLOSED', `transaction "${id}" is ${end.state} already`);
      case 'changed':
        return new SwitchyardError('SWY_INGEST_TX_CLOSED', `transaction "${id}" kept changing while it was committed; retry`);
    }
  }

  /** A held event as an append item: matched and planned against the rules as they are now; its delay from its `deliverat`. */
  #route(bus: string, h: Omit<AppendItem, 'bus' | 'matchedRules' | 'deliveries' | 'deliverAt'>): AppendItem {
    const ev = parseStoredEvent(h.body);
    const matchedRules = this.#router.route(bus, ev, h.body);
    const delay = ev.extensions[DELIVER_AT];
    const due = delay === undefined ? undefined : checkDeliverAt(delay, 0, Infinity);
    return {
      ...h,
      bus,
      matchedRules,
      deliveries: this.#planner === undefined || matchedRules.length === 0 ? undefined : this.#planner.deliveries(bus, matchedRules, ev),
      deliverAt: due?.ok === true ? due.at : undefined,
    };
  }
}
