import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSse, type SseMessage } from '../src/sse.js';

async function parse(chunks: string[]): Promise<SseMessage[]> {
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (const ch of chunks) c.enqueue(enc.encode(ch));
      c.close();
    },
  });
  const out: SseMessage[] = [];
  for await (const m of parseSse(body)) out.push(m);
  return out;
}

test('sse - messages split across chunks anywhere (also inside \\r\\n and a UTF-8 character) parse the same', async () => {
  const text = ': hello\r\nid: 0\r\n\r\nid: 1\r\nevent: event\r\ndata: {"a":\r\ndata: "é"}\r\n\r\nretry: 500\nid: 2\n\n';
  const whole = await parse([text]);
  assert.deepEqual(whole, [
    { event: 'message', data: '', id: '0', retry: undefined },
    { event: 'event', data: '{"a":\n"é"}', id: '1', retry: undefined },
    { event: 'message', data: '', id: '2', retry: 500 },
  ]);
  const bytes = new TextEncoder().encode(text);
  for (let cut = 1; cut < bytes.length; cut++) {
    // Split the byte stream, not the string.
    const enc = [bytes.slice(0, cut), bytes.slice(cut)];
    const body = new ReadableStream<Uint8Array>({ start(c) { for (const e of enc) c.enqueue(e); c.close(); } });
    const got: SseMessage[] = [];
    for await (const m of parseSse(body)) got.push(m);
    assert.deepEqual(got, whole, `cut at byte ${cut}`);
  }
});

test('sse - comments alone dispatch nothing; a field without a colon and an unknown field are handled per the spec', async () => {
  assert.deepEqual(await parse([': keep-alive\n\n: again\n\n']), []);
  assert.deepEqual(await parse(['data\nfoo: bar\n\n']), [{ event: 'message', data: '', id: undefined, retry: undefined }]);
  assert.deepEqual(await parse(['data: no blank line at the end']), []);
});
