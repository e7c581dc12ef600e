/** SQLite result codes (primary; extended codes such as SQLITE_IOERR_WRITE share the prefix) that mean "cannot write now". */
const SQLITE_FAULTS = ['SQLITE_FULL', 'SQLITE_IOERR'];
/** The same for file system calls (the free-space probe, files beside the database). */
const ERRNO_FAULTS = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS']);

/**
 * The code of a storage fault of the embedded store — the disk (or quota) is full, or an I/O
 * error — or undefined for any other error. Such faults pass when space is freed or the device
 * recovers, so writers retry them; a constraint violation or a bug is not one of them.
 */
export function sqliteStorageFault(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (SQLITE_FAULTS.some((c) => code === c || code.startsWith(`${c}_`))) return code;
  return ERRNO_FAULTS.has(code) ? code : undefined;
}
