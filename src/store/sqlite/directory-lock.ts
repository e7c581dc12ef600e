import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import DatabaseCtor, { type Database } from 'better-sqlite3';
import { SwitchyardError } from '../../core/index.js';
import { touchPrivateFile } from './data-dir.js';

const LOCK_FILE = 'switchyard.lock';
const PID_FILE = 'switchyard.pid';

/**
 * One server per data directory: an exclusive SQLite lock on a database of its own,
 * `<dataDir>/switchyard.lock` (locking_mode=EXCLUSIVE, then a write transaction: the lock is held
 * until the connection closes). The lock is a POSIX record lock, so the kernel drops it when the
 * process dies in any way, kill -9 included: no stale lock to clean up. SQLite also refuses a
 * second lock from another connection of the same process.
 *
 * The holder's pid is written beside it (`switchyard.pid`) for the refusal message only; it is
 * never read to decide. The lock file itself is never opened outside SQLite: closing any other
 * descriptor of it would drop this process's POSIX locks.
 */
export class DirectoryLock {
  readonly #db: Database;
  readonly #pidFile: string;

  private constructor(db: Database, pidFile: string) {
    this.#db = db;
    this.#pidFile = pidFile;
  }

  /** Takes the directory's lock, or throws SWY_STORE_DIR_LOCKED naming the directory and the holder's pid. */
  static acquire(dataDir: string): DirectoryLock {
    const file = path.join(dataDir, LOCK_FILE);
    const pidFile = path.join(dataDir, PID_FILE);
    touchPrivateFile(file);
    const db = new DatabaseCtor(file, { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      // No journal file beside the lock: its content does not matter, only the lock.
      db.pragma('journal_mode = MEMORY');
      db.exec('BEGIN EXCLUSIVE; COMMIT');
    } catch (cause) {
      db.close();
      if ((cause as { code?: unknown }).code !== 'SQLITE_BUSY') throw cause;
      const holder = readPid(pidFile);
      const who = holder === undefined ? 'another Switchyard process' : `another Switchyard process (pid ${holder})`;
      throw new SwitchyardError('SWY_STORE_DIR_LOCKED', `data directory ${path.resolve(dataDir)} is in use by ${who}; stop it or set another storage.dataDir`, {
        cause, extra: { dataDir: path.resolve(dataDir), ...(holder === undefined ? {} : { pid: holder }) },
      });
    }
    try {
      writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o600 });
    } catch {
      // Only the refusal message of a second server reads it (a full disk must not stop a start).
    }
    return new DirectoryLock(db, pidFile);
  }

  /** Releases the lock (the pid file goes first, so it never names a later holder). Idempotent. */
  release(): void {
    if (!this.#db.open) return;
    try {
      rmSync(this.#pidFile, { force: true });
    } catch {
      // A stale pid file only shows in a refusal message, and the next holder rewrites it.
    }
    this.#db.close();
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
