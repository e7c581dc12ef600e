import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { enc, qs } from '../../api';
import { useApi } from '../../ui/use-api';
import { BusSelect, Problem, Time } from '../../ui/parts';
import type { Bus, Page, StoredEvent } from '../../types';

const FIELDS = ['type', 'source', 'subject', 'q', 'pattern', 'rule', 'state', 'from', 'to'] as const;
type Filters = Partial<Record<(typeof FIELDS)[number], string>>;
const PAGE = 50;

/** datetime-local (local time) → RFC 3339 for the API. */
const toIso = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : new Date(v).toISOString());

/** The event explorer: every filter of the search API, paginated by the server's cursor. */
export function Explorer() {
  const { query, route } = useLocation();
  const buses = useApi<Page<Bus>>('/v1/buses');
  const bus = query.bus ?? 'default';
  const applied: Filters = Object.fromEntries(FIELDS.flatMap((f) => (query[f] === undefined || query[f] === '' ? [] : [[f, query[f]]])));
  const [draft, setDraft] = useState<Filters>(applied);
  // Back and forward (and links) change the URL: the form shows the filters in force.
  const appliedKey = JSON.stringify(applied);
  useEffect(() => setDraft(JSON.parse(appliedKey) as Filters), [appliedKey]);
  // Cursors of the pages before this one (for "Previous"); the current page starts after `after`.
  const [cursors, setCursors] = useState<number[]>([]);
  const after = query.after === undefined ? undefined : Number(query.after);
  const path = `/v1/buses/${enc(bus)}/events${qs({ ...applied, from: toIso(applied.from), to: toIso(applied.to), after, limit: PAGE })}`;
  const page = useApi<Page<StoredEvent>>(path);

  const go = (f: Filters, b = bus, a?: number): void => route(`/console/events${qs({ bus: b, ...f, after: a })}`);
  const search = (e: Event): void => {
    e.preventDefault();
    setCursors([]);
    go(draft);
  };
  const input = (name: keyof Filters, label: string, props: Record<string, unknown> = {}) => (
    <label class="field" for={`f-${name}`}><span>{label}</span>
      <input id={`f-${name}`} value={draft[name] ?? ''} onInput={(e) => setDraft({ ...draft, [name]: e.currentTarget.value })} {...props} />
    </label>
  );
  return (
    <>
      <h1>Events</h1>
      <form class="filters" onSubmit={search} aria-label="Search events">
        <BusSelect buses={buses.data?.items} value={bus} onChange={(b) => { setCursors([]); go(applied, b); }} />
        {input('from', 'From', { type: 'datetime-local', step: 1 })}
        {input('to', 'To', { type: 'datetime-local', step: 1 })}
        {input('type', 'Type')}
        {input('source', 'Source')}
        {input('subject', 'Subject')}
        {input('q', 'Full text', { type: 'search', placeholder: 'words in the data' })}
        {input('pattern', 'Event pattern', { placeholder: '{"type":["order.created"]}', class: 'mono' })}
        {input('rule', 'Matched rule')}
        <label class="field" for="f-state"><span>Delivery state</span>
          <select id="f-state" value={draft.state ?? ''} onChange={(e) => setDraft({ ...draft, state: e.currentTarget.value })}>
            <option value="">any</option>
            {['delivered', 'pending', 'retrying', 'dead', 'unmatched'].map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <div class="actions"><button type="submit" class="primary">Search</button>
          <button type="button" onClick={() => { setDraft({}); setCursors([]); go({}); }}>Clear</button></div>
      </form>
      <Problem error={page.error} />
      <div class="table-wrap">
        <table aria-label="Events" aria-busy={page.loading}>
          <thead><tr><th scope="col">Seq</th><th scope="col">Received</th><th scope="col">Type</th><th scope="col">Source</th><th scope="col">Subject</th><th scope="col">Id</th><th scope="col">Rules</th></tr></thead>
          <tbody>
            {(page.data?.items ?? []).map((e) => (
              <tr key={e.sequence}>
                <td>{e.sequence}</td>
                <td><Time at={e.receivedAt} /></td>
                <td>{e.event.type}</td>
                <td class="wrap">{e.event.source}</td>
                <td class="wrap">{e.event.subject ?? ''}</td>
                <td><a href={`/console/events/${enc(bus)}/${enc(e.event.id)}${qs({ source: e.event.source })}`}>{e.event.id}</a></td>
                <td>{e.matchedRules.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {page.data !== undefined && page.data.items.length === 0 && <p class="muted">No events match.</p>}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={cursors.length === 0} onClick={() => {
          const prev = cursors.slice(0, -1);
          const last = cursors[cursors.length - 1];
          setCursors(prev);
          go(applied, bus, last === -1 ? undefined : last);
        }}>Previous</button>
        <button type="button" disabled={page.data?.next === undefined} onClick={() => {
          setCursors([...cursors, after ?? -1]);
          go(applied, bus, page.data!.next);
        }}>Next</button>
      </nav>
    </>
  );
}
