import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** A completed checkpoint: WAL frames in the log, and how many of them are now in the database file. */
export interface CheckpointResult {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

/**
 * Checkpoints the WAL from a worker thread with its own connection, so copying pages back into
 * the database file and its fsyncs happen off the event loop instead of inside a put's commit.
 *
 * The writer keeps SQLite's own auto-checkpoint as a backstop at a larger threshold: under
 * sustained writes a checkpoint running beside the writer rarely sees the WAL idle, so the WAL
 * could not restart; when the writer's auto-checkpoint fires, the worker has already copied
 * nearly every frame, so the writer copies only the tail, and its next transaction restarts the
 * WAL from the beginning. Checkpointing never affects durability: a committed transaction is in
 * the WAL whether or not it has been copied yet (crash recovery replays it).
 */
export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  #waiting: ((r: CheckpointResult) => void)[] = [];

  constructor(file: string, intervalMs: number) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    // An eval'd CommonJS worker: no file to resolve, the same under tsx and the built dist/.
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, intervalMs } });
    this.#worker.unref();
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
    // A failed checkpoint is retried on the next tick; an error here must not crash the server.
    this.#worker.on('error', () => undefined);
    this.#worker.on('message', (r: CheckpointResult) => {
      const waiting = this.#waiting;
      this.#waiting = [];
      for (const f of waiting) f(r);
    });
  }

  /** Resolves with the outcome of the next checkpoint the worker completes. */
  next(): Promise<CheckpointResult> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Stops the timer and closes the worker's connection (before the writer's own close). */
  async close(): Promise<void> {
    this.#worker.ref(); // unref'd while running; awaiting its exit must keep the process alive
    this.#worker.postMessage('close');
    await this.#exited;
  }
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
// Never wait for a lock: a busy checkpoint (the writer's backstop is running) is skipped.
db.pragma('busy_timeout = 0');
const run = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ busy: r.busy, log: r.log, checkpointed: r.checkpointed });
  } catch {}
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;
