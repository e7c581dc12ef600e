import { constants } from 'node:fs';
import { lstat, mkdir, open, realpath, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * The path of a file target would leave its directory: a component is a symbolic link, or the
 * opened file is not where the path says inside the directory. Never retried.
 */
export class PathEscapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathEscapeError';
  }
}

const isInside = (base: string, p: string): boolean => p === base || p.startsWith(base.endsWith(path.sep) ? base : base + path.sep);

/**
 * Opens `relative` (already checked: no `..`, not absolute, names a file) inside `directory`,
 * creating the directories on the way, and refuses to leave `directory`:
 *
 * - every intermediate component is created or found with lstat and must be a real directory,
 *   never a symbolic link (one pointing outside would carry the write with it);
 * - the file itself is opened with O_NOFOLLOW (a link planted there fails with ELOOP);
 * - after opening, the file's real path must lie inside the directory's real path and name the
 *   very inode that was opened — so a directory swapped for a link between the checks and the
 *   open is caught too (the handle is closed unwritten).
 *
 * `directory` itself is trusted (operator config): it may be a link, and is resolved first.
 */
export async function openConfined(directory: string, relative: string, flags: number, mode: number): Promise<FileHandle> {
  await mkdir(directory, { recursive: true });
  const base = await realpath(directory);
  const parts = path.normalize(relative).split(path.sep).filter((s) => s !== '' && s !== '.');
  const name = parts.pop();
  if (name === undefined || parts.includes('..') || name === '..') throw new PathEscapeError(`"${relative}" does not name a file inside delivery.fileDirectory`);
  let dir = base;
  for (const [i, part] of parts.entries()) {
    dir = path.join(dir, part);
    try {
      await mkdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if ((await lstat(dir)).isSymbolicLink()) {
      throw new PathEscapeError(`"${parts.slice(0, i + 1).join('/')}" is a symbolic link; a file target stays inside delivery.fileDirectory`);
    }
  }
  const file = path.join(dir, name);
  let handle: FileHandle;
  try {
    handle = await open(file, flags | constants.O_NOFOLLOW, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new PathEscapeError(`"${relative}" is a symbolic link; a file target stays inside delivery.fileDirectory`);
    throw err;
  }
  try {
    const real = await realpath(file);
    const [opened, named] = await Promise.all([handle.stat(), stat(real)]);
    if (!isInside(base, real) || opened.ino !== named.ino || opened.dev !== named.dev) {
      throw new PathEscapeError(`"${relative}" resolves outside delivery.fileDirectory`);
    }
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}
