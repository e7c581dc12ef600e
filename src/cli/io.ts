import type { Readable, Writable } from 'node:stream';

/**
 * The streams a command talks through. Injected (main passes the process's) so the commands
 * hold no global state and output goes exactly where the caller says.
 */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** Reads a whole stream as UTF-8 text (stdin for `put -`). */
export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
