import { useEffect, useState } from 'preact/hooks';
import { api, enc, qs } from '../../api';
import { useApi } from '../../ui/use-api';
import { BarChart, Badge, Problem, Section, Time } from '../../ui/parts';
import type { Bus, DeadLetterSummary, Page, Rule, StoredEvent, TargetStatus } from '../../types';

const SYSTEM_BUS = 'switchyard.system';
const MINUTES = 15;
/** The newest events read per bus for its chart (the page never loads a whole bus). */
const SAMPLE = 1000;

interface BusHealth { backlog: number; dead: number; openBreakers: string[]; disabled: string[] }

/** Events per minute over the last MINUTES minutes, from the bus's newest SAMPLE events. */
function perMinute(events: readonly StoredEvent[], now: number): number[] {
  const out = new Array<number>(MINUTES).fill(0);
  for (const e of events) {
    const ago = Math.floor((now - Date.parse(e.receivedAt)) / 60_000);
    if (ago >= 0 && ago < MINUTES) out[MINUTES - 1 - ago]!++;
  }
  return out;
}

async function health(bus: string): Promise<BusHealth> {
  const rules = await api<Page<Rule>>(`/v1/buses/${enc(bus)}/rules`);
  const h: BusHealth = { backlog: 0, dead: 0, openBreakers: [], disabled: [] };
  for (const r of rules.items.slice(0, 100)) {
    const t = await api<Page<TargetStatus>>(`/v1/buses/${enc(bus)}/rules/${enc(r.name)}/targets`);
    for (const s of t.items) {
      // Unfinished deliveries: pending (FIFO-waiting ones included) and leased.
      h.backlog += s.deliveries.pending + s.deliveries.inFlight;
      h.dead += s.deliveries.dead;
      if (s.breaker.type !== 'closed') h.openBreakers.push(`${r.name}/${s.id}`);
      if (s.state === 'disabled') h.disabled.push(`${r.name}/${s.id}`);
    }
  }
  return h;
}

function BusCard({ bus }: { bus: Bus }) {
  const recent = useApi<Page<StoredEvent>>(`/v1/buses/${enc(bus.name)}/events${qs({ after: Math.max(0, bus.lastSequence - SAMPLE), limit: SAMPLE })}`);
  const [h, setH] = useState<BusHealth | undefined>(undefined);
  const [err, setErr] = useState<Error | undefined>(undefined);
  useEffect(() => {
    health(bus.name).then(setH, (e: unknown) => setErr(e as Error));
  }, [bus.name]);
  const rate = perMinute(recent.data?.items ?? [], Date.now());
  const total = rate.reduce((a, b) => a + b, 0);
  return (
    <article class="card bus-card" aria-label={`Bus ${bus.name}`}>
      <h3><a href={`/console/events?bus=${enc(bus.name)}`}>{bus.name}</a></h3>
      <p class="muted">{bus.lastSequence} events stored · {total} in the last {MINUTES} min</p>
      <BarChart values={rate} label={`Events per minute on ${bus.name}, last ${MINUTES} minutes: ${rate.join(', ')}`} />
      <Problem error={err ?? recent.error} />
      {h !== undefined && (
        <dl class="stats">
          <div><dt>Backlog</dt><dd>{h.backlog}</dd></div>
          <div><dt>Dead letters</dt><dd>{h.dead > 0 ? <a href={`/console/targets?bus=${enc(bus.name)}`}>{h.dead}</a> : 0}</dd></div>
          <div><dt>Open breakers</dt><dd>{h.openBreakers.length > 0 ? <Badge tone="bad">{h.openBreakers.join(', ')}</Badge> : 0}</dd></div>
          <div><dt>Disabled targets</dt><dd>{h.disabled.length > 0 ? <Badge tone="bad">{h.disabled.join(', ')}</Badge> : 0}</dd></div>
        </dl>
      )}
    </article>
  );
}

function SystemEvents({ bus }: { bus: Bus | undefined }) {
  const path = bus === undefined ? null : `/v1/buses/${enc(SYSTEM_BUS)}/events${qs({ after: Math.max(0, bus.lastSequence - 10), limit: 10 })}`;
  const events = useApi<Page<StoredEvent>>(path);
  const items = [...(events.data?.items ?? [])].reverse();
  return (
    <Section title="Recent system events">
      <Problem error={events.error} />
      {items.length === 0 ? <p class="muted">No system events yet.</p> : (
        <ul class="list">
          {items.map((e) => (
            <li key={e.sequence}>
              <a href={`/console/events/${enc(SYSTEM_BUS)}/${enc(e.event.id)}`}>{e.event.type}</a>{' '}
              <span class="muted">{typeof e.event.subject === 'string' ? e.event.subject : ''}</span> <Time at={e.receivedAt} />
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

export function Overview() {
  const buses = useApi<Page<Bus>>('/v1/buses');
  const dead = useApi<Page<DeadLetterSummary>>('/v1/dead-letters?limit=1000');
  // Each refresh remounts the bus cards, which read their figures again.
  const [round, setRound] = useState(0);
  const refresh = (): void => {
    buses.reload();
    dead.reload();
    setRound(round + 1);
  };
  const list = buses.data?.items ?? [];
  const deadCount = dead.data === undefined ? '…' : `${dead.data.items.length}${dead.data.next !== undefined ? '+' : ''}`;
  return (
    <>
      <h1>Overview</h1>
      <Problem error={buses.error ?? dead.error} />
      <div class="filters"><p>Dead letters: <a href="/console/targets">{deadCount}</a></p>
        <div class="actions"><button type="button" onClick={refresh}>Refresh</button></div></div>
      <div class="grid">
        {list.filter((b) => b.name !== SYSTEM_BUS).map((b) => <BusCard key={`${b.name}:${round}`} bus={b} />)}
      </div>
      <SystemEvents key={round} bus={list.find((b) => b.name === SYSTEM_BUS)} />
    </>
  );
}
