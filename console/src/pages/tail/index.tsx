import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { enc, qs } from '../../api';
import { useApi } from '../../ui/use-api';
import { readSse } from '../../ui/sse';
import { BusSelect, Problem, Time } from '../../ui/parts';
import type { Bus, Page, StoredEvent } from '../../types';

const KEEP = 500;
const RETRY_MS = 1000;

/**
 * Live tail of a bus. The stream's cursor (the last `id:` seen, keep-alives included) is kept
 * across reconnects, pauses and pattern changes: the server resumes after it (Last-Event-ID), so
 * no event is lost in between.
 */
export function Tail() {
  const { query, route } = useLocation();
  const buses = useApi<Page<Bus>>('/v1/buses');
  const bus = query.bus ?? 'default';
  const pattern = query.pattern ?? '';
  const [draft, setDraft] = useState(pattern);
  const [events, setEvents] = useState<StoredEvent[]>([]);
  const [paused, setPaused] = useState(false);
  const [status, setStatus] = useState<'connecting' | 'live' | 'reconnecting' | 'paused'>('connecting');
  const [error, setError] = useState<Error | undefined>(undefined);
  const cursor = useRef<{ bus: string; id: string | undefined }>({ bus, id: undefined });
  if (cursor.current.bus !== bus) cursor.current = { bus, id: undefined };

  useEffect(() => {
    if (paused) {
      setStatus('paused');
      return;
    }
    const ac = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = (): void => {
      setStatus(cursor.current.id === undefined ? 'connecting' : 'reconnecting');
      const url = `/v1/buses/${enc(bus)}/stream${qs({ pattern: pattern === '' ? undefined : pattern })}`;
      readSse(url, cursor.current.id, ac.signal, (m) => {
        if (m.event !== 'event') return;
        const e = JSON.parse(m.data) as StoredEvent;
        setEvents((list) => [e, ...list].slice(0, KEEP));
      }, (id) => {
        cursor.current.id = id;
        setStatus('live');
        setError(undefined);
      }).then(() => {
        if (!ac.signal.aborted) timer = setTimeout(connect, RETRY_MS);
      }, (err: unknown) => {
        if (ac.signal.aborted) return;
        setError(err as Error);
        // A refused request (bad pattern, unknown bus) is not retried; a dropped stream is.
        if (typeof (err as { status?: number }).status === 'number') return;
        timer = setTimeout(connect, RETRY_MS);
      });
    };
    connect();
    return () => {
      ac.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [bus, pattern, paused]);

  const apply = (e: Event): void => {
    e.preventDefault();
    route(`/console/tail${qs({ bus, pattern: draft })}`);
  };
  return (
    <>
      <h1>Live tail</h1>
      <form class="filters" onSubmit={apply} aria-label="Tail settings">
        <BusSelect buses={buses.data?.items} value={bus} onChange={(b) => { setEvents([]); route(`/console/tail${qs({ bus: b, pattern })}`); }} />
        <label class="field grow" for="tail-pattern"><span>Event pattern</span>
          <input id="tail-pattern" class="mono" value={draft} placeholder='{"type":["order.created"]}' onInput={(e) => setDraft(e.currentTarget.value)} />
        </label>
        <div class="actions">
          <button type="submit">Apply</button>
          <button type="button" class="primary" aria-pressed={paused} onClick={() => setPaused(!paused)}>{paused ? 'Resume' : 'Pause'}</button>
          <button type="button" onClick={() => setEvents([])}>Clear</button>
        </div>
      </form>
      <p role="status" class="muted">Status: <span data-status={status}>{status}</span> · {events.length} events shown</p>
      <Problem error={error} />
      <div class="table-wrap">
        <table aria-label="Live events">
          <thead><tr><th scope="col">Seq</th><th scope="col">Received</th><th scope="col">Type</th><th scope="col">Source</th><th scope="col">Id</th></tr></thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.sequence}>
                <td>{e.sequence}</td><td><Time at={e.receivedAt} /></td><td>{e.event.type}</td><td class="wrap">{e.event.source}</td>
                <td><a href={`/console/events/${enc(bus)}/${enc(e.event.id)}${qs({ source: e.event.source })}`}>{e.event.id}</a></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
