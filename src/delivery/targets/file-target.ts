import { constants } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Violation } from '../../core/index.js';
import { serializeEvent } from '../../events/index.js';
import type { Outbound, OutboundMessage, SendOutcome, Target } from '../target.js';

/**
 * `path` must be relative, stay inside the configured directory after normalization, and
 * name a file (no `..` segments, no absolute paths, no NUL).
 */
export function checkFileSpec(t: Readonly<Record<string, unknown>>, at: string, out: Violation[]): void {
  const p = t.path;
  if (typeof p !== 'string' || p.length === 0 || p.length > 1024) out.push({ path: `${at}/path`, reason: 'must be a relative file path' });
  else if (p.includes('\0') || path.isAbsolute(p) || p.split(/[\\/]/).some((seg) => seg === '..') || p.endsWith('/')) {
    out.push({ path: `${at}/path`, reason: 'must be relative to delivery.fileDirectory, without ".." segments' });
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
 * disk. The final path component is opened with O_NOFOLLOW, so a symlink planted at the file
 * cannot redirect writes outside the directory.
 */
export class FileTarget implements Target {
  readonly kind = 'file';
  readonly #file: string;
  readonly #fsync: boolean;
  #handle: Promise<FileHandle> | undefined;
  #closed = false;

  constructor(directory: string, relative: string, fsync: boolean) {
    this.#file = path.resolve(directory, relative);
    this.#fsync = fsync;
  }

  #open(): Promise<FileHandle> {
    this.#handle ??= (async () => {
      await mkdir(path.dirname(this.#file), { recursive: true });
      return open(this.#file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
    })();
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
      return { type: 'failed', durationMs: performance.now() - started, errorClass: 'io', message: (err as Error).message ?? String(err) };
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
