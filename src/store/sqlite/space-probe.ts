import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { APPEND_WRITER, DEFAULT_WRITE_RETRY, retryDelayMs, type RetryBackoff, type WriteHealth } from '../write-health.js';

const PROBE_FILE = '.switchyard-space-probe';
const CHUNK = 64 * 1024;

/**
 * Finds out when a failing put path (disk full, I/O error) can write again without waiting for
 * a put: while the append writer is failing, it writes `bytes` to a scratch file in the data
 * directory (fsync'd, then removed) after a backoff, and on success clears the writer, so
 * /readyz answers 200 again and load balancers send puts. A put that succeeds first clears it as
 * well; one that fails again marks it failing again.
 *
 * `bytes` is room for the largest request with its WAL and index pages: a few free pages would
 * let a tiny write pass while real puts still fail, and /readyz would flap.
 */
export class SpaceProbe {
  readonly #health: WriteHealth;
  readonly #file: string;
  readonly #bytes: number;
  readonly #retry: RetryBackoff;
  #timer: NodeJS.Timeout | undefined;
  #tries = 0;
  #closed = false;

  constructor(health: WriteHealth, dataDir: string, bytes: number, retry: RetryBackoff = DEFAULT_WRITE_RETRY) {
    this.#health = health;
    this.#file = path.join(dataDir, PROBE_FILE);
    this.#bytes = bytes;
    this.#retry = retry;
    health.onChange((writer, fault) => {
      if (writer !== APPEND_WRITER) return;
      if (fault === undefined) this.#stop();
      else this.#schedule();
    });
  }

  close(): void {
    this.#closed = true;
    this.#stop();
  }

  #stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#tries = 0;
  }

  #schedule(): void {
    if (this.#closed || this.#timer !== undefined) return;
    this.#tries++;
    this.#timer = setTimeout(() => this.#probe(), retryDelayMs(this.#tries, this.#retry)).unref();
  }

  #probe(): void {
    this.#timer = undefined;
    if (this.#closed || this.#health.failing(APPEND_WRITER) === undefined) return;
    if (this.#hasRoom()) this.#health.succeeded(APPEND_WRITER, 'free-space probe');
    else this.#schedule();
  }

  #hasRoom(): boolean {
    const chunk = Buffer.alloc(Math.min(CHUNK, this.#bytes));
    let fd: number | undefined;
    try {
      fd = openSync(this.#file, 'w', 0o600);
      for (let left = this.#bytes; left > 0; left -= chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, left));
      fsyncSync(fd);
      return true;
    } catch {
      return false;
    } finally {
      // Runs in a timer: nothing here may throw.
      try {
        if (fd !== undefined) closeSync(fd);
        rmSync(this.#file, { force: true });
      } catch {
        // The scratch file is overwritten by the next probe.
      }
    }
  }
}
