import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Violation } from '../../core/index.js';
import { serializeEvent } from '../../events/index.js';
import type { Outbound, OutboundMessage, SendOutcome, Target } from '../target.js';
import { openConfined, PathEscapeError } from './confined-open.js';

/** Most bytes (UTF-8) of one path component: NAME_MAX of Linux file systems (ext4, xfs, btrfs). */
export const NAME_MAX_BYTES = 255;
/** Most bytes (UTF-8) of a file target's relative path, well inside PATH_MAX (4096) with the directory. */
export const MAX_FILE_PATH_BYTES = 1024;

/**
 * `path` must be relative, stay inside the configured directory after normalization, and
 * name a file (no `..` segments, no absolute paths, no NUL, not `.` or a directory), within
 * the file system's name limits. Symbolic links are judged when the file is opened
 * (confined-open.ts).
 */
export function checkFileSpec(t: Readonly<Record<string, unknown>>, at: string, out: Violation[]): void {
  const p = t.path;
  const segments = typeof p === 'string' ? p.split(/[\\/]/) : [];
  const last = segments[segments.length - 1];
  if (typeof p !== 'string' || p.length === 0) out.push({ path: `${at}/path`, reason: 'must be a relative file path' });
  else if (p.includes('\0') || path.isAbsolute(p) || segments.some((seg) => seg === '..')) {
    out.push({ path: `${at}/path`, reason: 'must be relative to delivery.fileDirectory, without ".." segments' });
  } else if (last === '' || last === '.') out.push({ path: `${at}/path`, reason: 'must name a file, not "." or a directory' });
  else if (Buffer.byteLength(p, 'utf8') > MAX_FILE_PATH_BYTES) out.push({ path: `${at}/path`, reason: `must be at most ${MAX_FILE_PATH_BYTES} bytes (UTF-8)` });
  else if (segments.some((seg) => Buffer.byteLength(seg, 'utf8') > NAME_MAX_BYTES)) {
    out.push({ path: `${at}/path`, reason: `each name between slashes must be at most ${NAME_MAX_BYTES} bytes (UTF-8), the file system's limit` });
  }
  if (t.fsync !== undefined && typeof t.fsync !== 'boolean') out.push({ path: `${at}/fsync`, reason: 'must be a boolean' });
}

const isJsonType = (ct: string): boolean => /^application\/([a-z0-9.+-]*\+)?json\b/i.test(ct.trim());

/** One JSON line: an event in its JSON format; a JSON raw body compacted; other bodies as a JSON string. */
function line(o: Outbound): string {
  if (o.type === 'event') return serializeEvent(o.event);
  if (isJsonType(o.contentType)) {
    try {
      return JSON.stringify(JSON.parse(o.body));
    } catch {
      // invalid JSON despite the type: kept as a string
    }
  }
  return JSON.stringify(o.body);
}

/**
 * Appends one JSON line per message (JSONL). A send is one write call (O_APPEND), so lines of
 * concurrent sends never interleave; with `fsync` the send succeeds only once the data is on
 * disk. The file is opened confined to the directory (confined-open.ts): a symbolic link at
 * the file or at any directory on its path fails the send with class `blocked`, never retried.
 */
export class FileTarget implements Target {
  readonly kind = 'file';
  readonly #directory: string;
  readonly #relative: string;
  readonly #fsync: boolean;
  #handle: Promise<FileHandle> | undefined;
  #closed = false;

  constructor(directory: string, relative: string, fsync: boolean) {
    this.#directory = directory;
    this.#relative = relative;
    this.#fsync = fsync;
  }

  #open(): Promise<FileHandle> {
    this.#handle ??= openConfined(this.#directory, this.#relative, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o644);
    const h = this.#handle;
    h.catch(() => {
      if (this.#handle === h) this.#handle = undefined;
    });
    return h;
  }

  async send(messages: readonly OutboundMessage[], signal: AbortSignal): Promise<SendOutcome> {
    const started = performance.now();
    if (this.#closed) return { type: 'failed', durationMs: 0, errorClass: 'config', message: 'target is closed' };
    if (signal.aborted) return { type: 'failed', durationMs: 0, errorClass: 'network', message: 'aborted' };
    try {
      const text = messages.map((m) => `${line(m.outbound)}\n`).join('');
      const h = await this.#open();
      await h.appendFile(text, 'utf8');
      if (this.#fsync) await h.datasync();
      return { type: 'delivered', durationMs: performance.now() - started };
    } catch (err) {
      const durationMs = performance.now() - started;
      if (err instanceof PathEscapeError) return { type: 'failed', durationMs, errorClass: 'blocked', message: err.message };
      // A path the file system cannot take (the directory plus the path past PATH_MAX) will not get shorter.
      const errorClass = (err as NodeJS.ErrnoException).code === 'ENAMETOOLONG' ? 'config' : 'io';
      return { type: 'failed', durationMs, errorClass, message: (err as Error).message ?? String(err) };
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const h = this.#handle;
    this.#handle = undefined;
    if (h !== undefined) await h.then((f) => f.close(), () => undefined);
  }
}
