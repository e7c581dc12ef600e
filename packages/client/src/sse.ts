/** One Server-Sent Events message (WHATWG HTML §9.2.6): fields as received. */
export interface SseMessage {
  readonly event: string;
  readonly data: string;
  /** The id field of this message, when it had one (also a message without data). */
  readonly id: string | undefined;
  /** The reconnection time the server asked for, in ms. */
  readonly retry: number | undefined;
}

/**
 * Parses an event stream into messages. A message is yielded at each blank line — also one
 * without data, so a caller sees ids carried by comments-only keep-alives (they move the
 * Last-Event-ID on, as in EventSource).
 */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  let data: string[] = [];
  let event = '';
  let id: string | undefined;
  let retry: number | undefined;
  let fields = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buf += done ? decoder.decode() : decoder.decode(value, { stream: true });
      for (;;) {
        const m = /\r\n|\r|\n/.exec(buf);
        // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
        if (m === null || (m[0] === '\r' && m.index === buf.length - 1 && !done)) break;
        const line = buf.slice(0, m.index);
        buf = buf.slice(m.index + m[0].length);
        if (line === '') {
          if (fields > 0) yield { event: event === '' ? 'message' : event, data: data.join('\n'), id, retry };
          data = [];
          event = '';
          id = undefined;
          retry = undefined;
          fields = 0;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const name = colon < 0 ? line : line.slice(0, colon);
        let v = colon < 0 ? '' : line.slice(colon + 1);
        if (v.startsWith(' ')) v = v.slice(1);
        if (name === 'data') data.push(v);
        else if (name === 'event') event = v;
        else if (name === 'id' && !v.includes('\u0000')) id = v;
        else if (name === 'retry' && /^\d+$/.test(v)) retry = Number(v);
        else continue;
        fields++;
      }
      if (done) return;
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}
