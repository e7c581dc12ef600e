import type { Readable } from 'node:stream';

/** Most bytes of a response body kept in an attempt record. */
export const MAX_EXCERPT_BYTES = 1024;

/**
 * Reads at most MAX_EXCERPT_BYTES of a response body, then stops reading: a huge or endless
 * body costs at most that much. If the body errors or is aborted midway, what was read so far
 * is returned. The string is the UTF-8 decoding of those bytes (a multi-byte character cut at
 * the limit is dropped).
 */
export async function readExcerpt(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const b = chunk as Buffer;
      chunks.push(b);
      size += b.length;
      if (size >= MAX_EXCERPT_BYTES) break;
    }
  } catch {
    // the excerpt is best effort; the outcome is decided by the status already received
  } finally {
    if (!body.destroyed) body.destroy();
  }
  return utf8Prefix(Buffer.concat(chunks), MAX_EXCERPT_BYTES);
}

/** Reads a whole response body up to `max` bytes; `truncated` when there was more. */
export async function readBody(body: Readable, max: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of body) {
      const b = chunk as Buffer;
      chunks.push(b);
      size += b.length;
      if (size > max) {
        truncated = true;
        break;
      }
    }
  } catch {
    truncated = true;
  } finally {
    if (!body.destroyed) body.destroy();
  }
  return { bytes: Buffer.concat(chunks).subarray(0, max), truncated };
}

/** The UTF-8 text of at most `max` bytes of `buf`, without a multi-byte character cut at the end. */
export function utf8Prefix(buf: Buffer, max: number): string {
  const all = buf.subarray(0, max);
  let end = all.length;
  // step back over a trailing incomplete UTF-8 sequence
  let i = end - 1;
  while (i >= 0 && i > end - 4 && (all[i]! & 0xc0) === 0x80) i -= 1;
  if (i >= 0) {
    const lead = all[i]!;
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (end - i < need) end = i;
  }
  return all.subarray(0, end).toString('utf8');
}
