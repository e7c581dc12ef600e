import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { enc, qs } from '../../api';
import { useApi } from '../../ui/use-api';
import { useCan } from '../../ui/session';
import { BusSelect, JsonView, Problem, Section, Time } from '../../ui/parts';
import type { Bus, CatalogEntry, CatalogPage, Page } from '../../types';


const PAGE = 50;

/** The rule editor with a new rule whose pattern matches exactly this (source, type). */
export const newRuleHref = (i: Pick<CatalogEntry, 'bus' | 'source' | 'type'>): string =>
  `/console/rules/edit${qs({ bus: i.bus, pattern: JSON.stringify({ source: [i.source], type: [i.type] }) })}`;

/** The schemas page showing the schema's versions and generated TypeScript. */
const schemaHref = (bus: string, s: NonNullable<CatalogEntry['schema']>): string => `/console/schemas${qs({ bus, schema: `${s.name}\u0000${s.source ?? ''}` })}`;

function Detail({ item }: { item: CatalogEntry }) {
  const { id, event } = item.sample;
  return (
    <div class="dl-detail" aria-label={`Sample of ${item.type} from ${item.source}`}>
      <p>
        Newest event: sequence {item.sample.sequence} — <a href={`/console/events/${enc(item.bus)}/${enc(id)}`}>open event {id}</a>
      </p>
      {event === null
        ? <p class="muted">Longer than 16 KiB: open the event to see it.</p>
        : <JsonView value={event} label={`Sample event of ${item.type}`} />}
      {item.schema !== null && (
        <p>Schema <code>{item.schema.dataschema}</code>: <a href={schemaHref(item.bus, item.schema)}>versions and generated TypeScript</a></p>
      )}
    </div>
  );
}

/**
 * The event catalogue (GET /v1/catalog): per bus, every (source, type) seen with its counts,
 * first and last seen, its newest event, its schema, and a new rule for it in the rule editor.
 */
export function Catalogue() {
  const { query, route } = useLocation();
  const can = useCan();
  const buses = useApi<Page<Bus>>('/v1/buses');
  const bus = query.bus ?? 'default';
  const source = query.source ?? '';
  const type = query.type ?? '';
  const [cursors, setCursors] = useState<string[]>([]);
  const after = cursors[cursors.length - 1];
  const list = useApi<CatalogPage>(`/v1/catalog${qs({ bus, source, type, after, limit: PAGE })}`);
  const [open, setOpen] = useState<string | undefined>(undefined);
  const go = (p: Record<string, string>): void => {
    setCursors([]);
    setOpen(undefined);
    route(`/console/catalogue${qs({ bus, source, type, ...p })}`);
  };
  const items = list.data?.items ?? [];
  const overflow = list.data?.overflow.find((o) => o.bus === bus);
  const key = (i: CatalogEntry): string => `${i.source}\u0000${i.type}`;
  return (
    <>
      <h1>Event catalogue</h1>
      <form class="filters" onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        go({ source: String(f.get('source') ?? ''), type: String(f.get('type') ?? '') });
      }}>
        <BusSelect buses={buses.data?.items} value={bus} onChange={(b) => go({ bus: b })} />
        <label class="field" for="cat-source"><span>Source starts with</span><input id="cat-source" name="source" defaultValue={source} /></label>
        <label class="field" for="cat-type"><span>Type starts with</span><input id="cat-type" name="type" defaultValue={type} /></label>
        <div class="actions"><button type="submit" class="primary">Filter</button><button type="button" onClick={() => list.reload()}>Refresh</button></div>
      </form>
      <Problem error={list.error} />
      <Section title={`Event types on ${bus}`}>
        {overflow !== undefined && (
          <p role="note">This bus holds the most types the catalogue keeps per bus ({overflow.types}); {overflow.overflow} events of further types were stored but are not listed.</p>
        )}
        <div class="table-wrap"><table aria-label="Event types">
          <thead><tr><th scope="col">Source</th><th scope="col">Type</th><th scope="col">Events</th><th scope="col">First seen</th><th scope="col">Last seen</th><th scope="col">Schema</th><th scope="col">Actions</th></tr></thead>
          <tbody>{items.map((i) => (
            <tr key={key(i)} class={open === key(i) ? 'current' : undefined}>
              <td class="wrap">{i.source}</td><td class="wrap">{i.type}</td><td>{i.count}</td>
              <td><Time at={i.firstSeen} /></td><td><Time at={i.lastSeen} /></td>
              <td>{i.schema === null ? <span class="muted">none</span> : <a href={schemaHref(bus, i.schema)}>{i.schema.name} v{i.schema.latestVersion}</a>}</td>
              <td>
                <button type="button" aria-expanded={open === key(i)} aria-label={`Sample of ${i.type} from ${i.source}`} onClick={() => setOpen(open === key(i) ? undefined : key(i))}>Sample</button>
                {' '}
                {can('admin') && <a class="button" href={newRuleHref(i)} aria-label={`New rule for this type: ${i.type} from ${i.source}`}>New rule for this type</a>}
              </td>
            </tr>
          ))}</tbody>
        </table></div>
        {items.length === 0 && list.data !== undefined && <p class="muted">No events seen{source !== '' || type !== '' ? ' with these filters' : ''}.</p>}
        <nav class="pager" aria-label="Catalogue pages">
          <button type="button" disabled={cursors.length === 0} onClick={() => setCursors([])}>First</button>
          <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>Previous</button>
          <button type="button" disabled={list.data?.next === undefined} onClick={() => setCursors([...cursors, list.data!.next!])}>Next</button>
        </nav>
        {items.filter((i) => key(i) === open).map((i) => <Detail key={key(i)} item={i} />)}
      </Section>
    </>
  );
}
