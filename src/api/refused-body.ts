import type { IncomingMessage } from 'node:http';

/** How long, and how many more bytes, a refused request's body is read and dropped at most. */
const DRAIN_MS = 5_000;
const DRAIN_BYTES = 256 * 1024 * 1024;

/**
 * A request refused for its size before its body was read to the end: the client is still
 * sending. Answering and closing the socket at once resets the connection under the client's
 * feet (unread bytes make the kernel send RST), and the client may never read the answer — a
 * chunked upload then sees "connection reset" instead of 413. So the rest of the body is read
 * and dropped first (nothing is kept), bounded in bytes and time; past either bound the answer
 * goes out anyway. The caller answers with `Connection: close` afterwards.
 */
export function drainRefusedBody(raw: IncomingMessage): Promise<void> {
  if (raw.complete || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let read = 0;
    const done = (): void => {
      clearTimeout(timer);
      raw.off('data', onData).off('end', done).off('close', done).off('error', done);
      resolve();
    };
    const onData = (chunk: Buffer): void => {
      read += chunk.length;
      if (read > DRAIN_BYTES) done();
    };
    const timer = setTimeout(done, DRAIN_MS);
    raw.on('data', onData).once('end', done).once('close', done).once('error', done);
    raw.resume();
  });
}
