// A body refused for its size while the client is still sending it (chunked, no Content-Length):
// the server reads and drops the rest before answering, so the client finishes its upload without
// a reset and reads the 413 problem+json, then the connection closes.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from './harness.js';

let t: TestServer;
before(async () => {
  t = await startTestServer({ limits: { maxRequestBytes: 64 * 1024 } });
});
after(() => t?.close());

async function chunkedUpload(path: string, contentType: string, chunks: number, chunkBytes: number): Promise<{ response: string; writeError?: string }> {
  const { hostname, port } = new URL(t.url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let response = '';
  socket.setEncoding('utf8').on('data', (d: string) => { response += d; });
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let writeError: string | undefined;
  socket.on('error', (e: NodeJS.ErrnoException) => { writeError ??= e.code ?? e.message; });
  const write = (s: string | Buffer): Promise<void> => new Promise((resolve) => socket.write(s, (e) => {
    if (e !== undefined && e !== null) writeError ??= (e as NodeJS.ErrnoException).code ?? e.message;
    resolve();
  }));
  await write(`POST ${path} HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: ${contentType}\r\ntransfer-encoding: chunked\r\n\r\n`);
  const chunk = Buffer.alloc(chunkBytes, 0x61);
  for (let i = 0; i < chunks && writeError === undefined; i++) {
    await write(`${chunkBytes.toString(16)}\r\n`);
    await write(chunk);
    await write('\r\n');
    // a pause between chunks: the server answers long before the upload ends
    await new Promise((r) => setTimeout(r, 2));
  }
  await write('0\r\n\r\n');
  await ended;
  return writeError === undefined ? { response } : { response, writeError };
}

for (const [route, contentType, code] of [
  ['/v1/buses/default/events', 'application/cloudevents+json', '"SWY_INGEST_REQUEST_TOO_LARGE"'],
  ['/v1/buses', 'application/json', '"SWY_INGEST_REQUEST_TOO_LARGE"'],
] as const) {
  test(`refused body - ${route}: a chunked upload 16× the limit ends without a reset and reads 413`, async () => {
    const r = await chunkedUpload(route, contentType, 64, 16 * 1024);
    assert.equal(r.writeError, undefined, 'the upload was not reset');
    assert.match(r.response, /^HTTP\/1\.1 413 /);
    assert.match(r.response, /\r\nconnection: close\r\n/i);
    assert.ok(r.response.includes(code), r.response);
  });
}
