import { closeSync, mkdirSync, openSync } from 'node:fs';

/**
 * The data directory and the files in it hold every event, rule and (sealed) secret: they are
 * created for the server's user alone — the directory 0700, files 0600 — whatever the umask.
 * SQLite creates the -wal and -shm files with the mode of the database file, so creating that
 * file 0600 before SQLite opens it covers them too. Existing files and directories keep their mode.
 */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Creates `file` empty with mode 0600 when it does not exist (an empty file is a new SQLite
 * database). An existing file is not opened at all: closing a descriptor of a file this process
 * holds SQLite (POSIX) locks on would drop those locks.
 */
export function touchPrivateFile(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw e;
  }
  closeSync(fd);
}
