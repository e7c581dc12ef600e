import { authHeaders } from '../api';

export interface SseMessage { readonly id: string | undefined; readonly event: string; readonly data: string }

/**
 * Reads a Server-Sent Events stream with fetch (EventSource cannot send the API key), handing
 * each message to `onMessage` and each `id:` to `onId` (comments such as keep-alives carry the
 * stream's cursor too). Resolves when the stream ends; rejects on a network error or a refusal.
 */
export async function readSse(url: string, lastEventId: string | undefined, signal: AbortSignal, onMessage: (m: SseMessage) => void, onId: (id: string) => void): Promise<void> {
  const headers: Record<string, string> = { accept: 'text/event-stream', ...authHeaders() };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  const res = await fetch(url, { headers, signal, cache: 'no-store' });
  if (!res.ok || res.body === null) {
    const text = await res.text();
    let detail = `HTTP ${res.status}`;
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
    } catch {
      // not a problem document
    }
    throw Object.assign(new Error(detail), { status: res.status });
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let end: number;
    while ((end = buf.search(/\r?\n\r?\n/)) >= 0) {
      const block = buf.slice(0, end);
      buf = buf.slice(end + (buf[end] === '\r' ? 4 : 2));
      let id: string | undefined;
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith(':')) continue;
        const i = line.indexOf(':');
        const field = i < 0 ? line : line.slice(0, i);
        const v = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
        if (field === 'id') id = v;
        else if (field === 'event') event = v;
        else if (field === 'data') data.push(v);
      }
      if (id !== undefined) onId(id);
      if (data.length > 0) onMessage({ id, event, data: data.join('\n') });
    }
  }
}
