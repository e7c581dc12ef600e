import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, enc, qs } from '../../api';
import { useApi } from '../../ui/use-api';
import { useCan } from '../../ui/session';
import { Badge, BusSelect, JsonView, Problem, Section, Time, toneOf } from '../../ui/parts';
import type { Bus, DeadLetter, DeadLetterSummary, Page, Rule, TargetStatus } from '../../types';

const PAGE = 50;

function breakerText(b: TargetStatus['breaker']): string {
  if (b.type === 'open') return `open until ${b.until ?? '?'}`;
  if (b.type === 'closed') return `closed (${b.consecutiveFailures ?? 0} failures)`;
  return b.type;
}

function RuleTargets({ bus, rule, onChange }: { bus: string; rule: string; onChange: () => void }) {
  const can = useCan();
  const t = useApi<Page<TargetStatus>>(`/v1/buses/${enc(bus)}/rules/${enc(rule)}/targets`);
  const [error, setError] = useState<Error | undefined>(undefined);
  const enable = (id: string): void => {
    api(`/v1/buses/${enc(bus)}/rules/${enc(rule)}/targets/${enc(id)}/enable`, { method: 'POST' }).then(() => {
      setError(undefined);
      t.reload();
      onChange();
    }, (e: unknown) => setError(e as Error));
  };
  const err = error ?? t.error;
  return (
    <>
      {err !== undefined && <tr><td colSpan={7}><Problem error={err} /></td></tr>}
      {(t.data?.items ?? []).map((s) => (
        <tr key={`${rule}/${s.id}`}>
          <td>{rule}</td><td>{s.id} <span class="muted">{s.kind}</span></td>
          <td><Badge tone={toneOf(s.health)}>{s.health}</Badge></td>
          <td><Badge tone={toneOf(s.breaker.type)}>{breakerText(s.breaker)}</Badge></td>
          <td>{s.deliveries.pending} pending{s.deliveries.waiting === undefined ? '' : ` (${s.deliveries.waiting} waiting)`} · {s.deliveries.inFlight} in flight</td>
          <td>{s.deliveries.dead}</td>
          <td>{can('admin') && (s.state === 'disabled' || s.breaker.type !== 'closed') && <button type="button" onClick={() => enable(s.id)}>Enable {s.id}</button>}</td>
        </tr>
      ))}
    </>
  );
}

function DeadLetterDetail({ id, onRedrive }: { id: string; onRedrive: (ids: string[]) => void }) {
  const can = useCan();
  const d = useApi<DeadLetter>(`/v1/dead-letters/${id}`);
  if (d.error !== undefined) return <Problem error={d.error} />;
  if (d.data === undefined) return <p aria-busy="true">Loading…</p>;
  const x = d.data;
  return (
    <div class="dl-detail" aria-label={`Dead letter ${id}`}>
      <p>Event <a href={`/console/events/${enc(x.bus)}/${enc(x.eventId)}`}>{x.eventId}</a> on {x.bus} → {x.rule}/{x.target}. Dead since <Time at={x.deadAt} />.</p>
      {can('admin') && <button type="button" class="primary" onClick={() => onRedrive([id])}>Redrive {id}</button>}
      <h3>Attempts</h3>
      <div class="table-wrap"><table aria-label={`Attempts of dead letter ${id}`}>
        <thead><tr><th scope="col">At</th><th scope="col">Result</th><th scope="col">Status</th><th scope="col">Duration</th><th scope="col">Error</th></tr></thead>
        <tbody>{x.attemptLog.map((a, i) => (
          <tr key={i}><td><Time at={a.at} /></td><td><Badge tone={a.ok ? 'ok' : 'bad'}>{a.ok ? 'ok' : 'failed'}</Badge></td><td>{a.status ?? '—'}</td>
            <td>{Math.round(a.durationMs)} ms</td><td class="wrap">{[a.errorClass, a.message].filter((v) => v !== null).join(': ')}</td></tr>
        ))}</tbody>
      </table></div>
      <h3>Payload sent</h3>
      {x.payload === null ? <p class="muted">None.</p> : <pre class="json" tabIndex={0}>{x.payload}</pre>}
      <h3>Event</h3>
      <JsonView value={x.event} label="Dead-lettered event" />
    </div>
  );
}

function DeadLetters({ bus, rule, version, onChange }: { bus: string; rule: string | undefined; version: number; onChange: () => void }) {
  const can = useCan();
  const [target, setTarget] = useState('');
  // Dead-letter ids and cursors are opaque text (the delivery contract).
  const [after, setAfter] = useState<string | undefined>(undefined);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<string | undefined>(undefined);
  const [msg, setMsg] = useState<string | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const filter = { bus, rule, target: target === '' ? undefined : target };
  const list = useApi<Page<DeadLetterSummary, string>>(`/v1/dead-letters${qs({ ...filter, after, limit: PAGE })}`);
  useEffect(() => setSelected(new Set()), [bus, rule, target, after]);
  const { reload } = list;
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);
  const act = (what: 'redrive' | 'purge', sel: unknown): void => {
    api<{ redriven?: number; purged?: number }>(`/v1/dead-letters/${what}`, { json: sel }).then((r) => {
      setMsg(what === 'redrive' ? `Redriven: ${r.redriven ?? 0}` : `Purged: ${r.purged ?? 0}`);
      setError(undefined);
      setSelected(new Set());
      setOpen(undefined);
      list.reload();
      onChange();
    }, (e: unknown) => setError(e as Error));
  };
  const cleanFilter = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
  const items = list.data?.items ?? [];
  return (
    <Section title="Dead letters" actions={can('admin') ? (
      <>
        <button type="button" disabled={selected.size === 0} onClick={() => act('redrive', { ids: [...selected] })}>Redrive selected</button>
        <button type="button" disabled={items.length === 0} onClick={() => act('redrive', { filter: cleanFilter })}>Redrive all matching</button>
        <button type="button" class="danger" disabled={selected.size === 0} onClick={() => act('purge', { ids: [...selected] })}>Purge selected</button>
        <button type="button" class="danger" disabled={items.length === 0} onClick={() => { if (confirm('Purge every matching dead letter?')) act('purge', { filter: cleanFilter }); }}>Purge all matching</button>
      </>
    ) : undefined}>
      <label class="field" for="dl-target"><span>Target</span><input id="dl-target" value={target} onChange={(e) => { setAfter(undefined); setTarget(e.currentTarget.value); }} /></label>
      {msg !== undefined && <p role="status">{msg}</p>}
      <Problem error={error ?? list.error} />
      <div class="table-wrap"><table aria-label="Dead letters">
        <thead><tr>{can('admin') && <th scope="col"><span class="sr-only">Select</span></th>}<th scope="col">Id</th><th scope="col">Rule / target</th><th scope="col">Event</th><th scope="col">Dead at</th><th scope="col">Attempts</th><th scope="col">Last error</th></tr></thead>
        <tbody>{items.map((d) => (
          <tr key={d.id}>
            {can('admin') && <td><input type="checkbox" aria-label={`Select dead letter ${d.id}`} checked={selected.has(d.id)} onChange={(e) => {
              const s = new Set(selected);
              if (e.currentTarget.checked) s.add(d.id); else s.delete(d.id);
              setSelected(s);
            }} /></td>}
            <td><button type="button" class="link" aria-expanded={open === d.id} onClick={() => setOpen(open === d.id ? undefined : d.id)}>{d.id}</button></td>
            <td>{d.rule}/{d.target}</td><td>{d.eventId}</td><td><Time at={d.deadAt} /></td><td>{d.attempts}</td><td class="wrap">{d.lastError ?? ''}</td>
          </tr>
        ))}</tbody>
      </table></div>
      {items.length === 0 && list.data !== undefined && <p class="muted">No dead letters.</p>}
      <nav class="pager" aria-label="Dead letter pages">
        <button type="button" disabled={after === undefined} onClick={() => setAfter(undefined)}>First</button>
        <button type="button" disabled={list.data?.next === undefined} onClick={() => setAfter(list.data!.next)}>Next</button>
      </nav>
      {open !== undefined && <DeadLetterDetail key={open} id={open} onRedrive={(ids) => act('redrive', { ids })} />}
    </Section>
  );
}

/** Targets (breaker, backlog, health, enable) and dead letters (detail, redrive, purge) of a bus. */
export function Targets() {
  const { query, route } = useLocation();
  const buses = useApi<Page<Bus>>('/v1/buses');
  const bus = query.bus ?? 'default';
  const rule = query.rule === '' ? undefined : query.rule;
  const rules = useApi<Page<Rule>>(`/v1/buses/${enc(bus)}/rules`);
  const [version, setVersion] = useState(0);
  const shown = (rules.data?.items ?? []).filter((r) => rule === undefined || r.name === rule);
  return (
    <>
      <h1>Targets &amp; dead letters</h1>
      <div class="filters">
        <BusSelect buses={buses.data?.items} value={bus} onChange={(b) => route(`/console/targets${qs({ bus: b })}`)} />
        <label class="field" for="t-rule"><span>Rule</span>
          <select id="t-rule" value={rule ?? ''} onChange={(e) => route(`/console/targets${qs({ bus, rule: e.currentTarget.value })}`)}>
            <option value="">all rules</option>
            {(rules.data?.items ?? []).map((r) => <option key={r.name} value={r.name}>{r.name}</option>)}
          </select>
        </label>
        <div class="actions"><button type="button" onClick={() => { rules.reload(); setVersion(version + 1); }}>Refresh</button></div>
      </div>
      <Problem error={rules.error} />
      <Section title="Targets">
        <div class="table-wrap"><table aria-label="Targets">
          <thead><tr><th scope="col">Rule</th><th scope="col">Target</th><th scope="col">Health</th><th scope="col">Breaker</th><th scope="col">Backlog</th><th scope="col">Dead</th><th scope="col">Actions</th></tr></thead>
          <tbody>{shown.map((r) => <RuleTargets key={`${r.name}:${version}`} bus={bus} rule={r.name} onChange={() => setVersion(version + 1)} />)}</tbody>
        </table></div>
      </Section>
      <DeadLetters bus={bus} rule={rule} version={version} onChange={() => setVersion(version + 1)} />
    </>
  );
}
