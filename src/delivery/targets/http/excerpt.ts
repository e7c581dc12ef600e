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
  const all = Buffer.concat(chunks).subarray(0, MAX_EXCERPT_BYTES);
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
