import { useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { enc, qs } from '../../api';
import { useApi } from '../../ui/use-api';
import { Badge, JsonView, Problem, Section, Time, toneOf } from '../../ui/parts';
import type { StoredEvent, TimelineStep, Trace } from '../../types';

function stepText(s: TimelineStep): string {
  switch (s.step) {
    case 'received': return `Received (${s.mode} mode, ${s.size} bytes)`;
    case 'matched': return s.rules.length === 0 ? 'No rule matched' : `Matched ${s.rules.join(', ')}`;
    case 'attempt': return `Attempt ${s.n} → ${s.rule}/${s.target}: ${s.ok ? 'ok' : 'failed'}${s.status === null ? '' : ` (HTTP ${s.status})`} in ${Math.round(s.durationMs)} ms${s.error === null ? '' : ` — ${s.error}`}${s.note === undefined ? '' : ` (${s.note})`}`;
    case 'replayed': return `Replayed to ${s.rule}/${s.target} by replay ${s.replay}`;
    default: return `${s.step === 'delivered' ? 'Delivered' : s.step === 'dropped' ? 'Dropped (at-most-once)' : 'Dead-lettered'} ${s.rule}/${s.target}${s.reason === undefined ? '' : ` — ${s.reason}`}`;
  }
}

const stepTone = (s: TimelineStep): 'ok' | 'warn' | 'bad' | 'info' =>
  s.step === 'attempt' ? (s.ok ? 'ok' : 'warn') : s.step === 'dead' ? 'bad' : s.step === 'delivered' ? 'ok' : 'info';

/** The trace as a timeline: each step at its time, with its offset from the event's arrival. */
export function Timeline({ trace }: { trace: Trace }) {
  const t0 = Date.parse(trace.received.at);
  return (
    <ol class="timeline" aria-label="Trace timeline">
      {trace.timeline.map((s, i) => (
        <li key={i} class={`tl-${stepTone(s)}`}>
          <span class="tl-at">+{Math.max(0, Date.parse(s.at) - t0)} ms</span>
          <span class="tl-step"><Badge tone={stepTone(s)}>{s.step}</Badge> {stepText(s)}</span>
          <Time at={s.at} />
        </li>
      ))}
      <li class="tl-final"><span class="tl-at" /> <span class="tl-step">Final state: <Badge tone={toneOf(trace.finalState)}>{trace.finalState}</Badge></span></li>
    </ol>
  );
}

function Data({ e, raw }: { e: StoredEvent['event']; raw: string }) {
  const [view, setView] = useState<'pretty' | 'raw'>('pretty');
  const data = 'data_base64' in e ? e.data_base64 : e.data;
  return (
    <Section title="Data" actions={
      <div role="group" aria-label="Data view">
        <button type="button" aria-pressed={view === 'pretty'} onClick={() => setView('pretty')}>Pretty</button>
        <button type="button" aria-pressed={view === 'raw'} onClick={() => setView('raw')}>Byte-exact</button>
      </div>
    }>
      {view === 'raw' ? <pre class="json raw" tabIndex={0} aria-label="Stored event, byte-exact">{raw}</pre>
        : typeof data === 'string' ? <pre class="json" tabIndex={0} aria-label="Data as sent">{data}</pre>
          : <JsonView value={data ?? null} label="Event data" />}
      {'data_base64' in e && <p class="muted">Binary data (base64, as stored).</p>}
    </Section>
  );
}

/** One event: its attributes, data, and trace (timeline, targets, and why other rules did not match). */
export function EventPage() {
  const { params, query } = useRoute();
  const bus = params.bus!;
  const id = params.id!;
  const src = qs({ source: query.source });
  const raw = useApi<string>(`/v1/buses/${enc(bus)}/events/${enc(id)}${src}`, { text: true });
  const trace = useApi<Trace>(`/v1/buses/${enc(bus)}/events/${enc(id)}/trace${qs({ source: query.source, explain: true })}`);
  const stored = raw.data === undefined ? undefined : (JSON.parse(raw.data) as StoredEvent);
  const attrs = stored === undefined ? [] : Object.entries(stored.event).filter(([k]) => k !== 'data' && k !== 'data_base64');
  const t = trace.data;
  return (
    <>
      <h1>Event <code>{id}</code></h1>
      <p><a href={`/console/events?bus=${enc(bus)}`}>← Events of {bus}</a> <button type="button" onClick={() => { raw.reload(); trace.reload(); }}>Refresh</button></p>
      <Problem error={raw.error ?? trace.error} />
      {stored !== undefined && (
        <Section title="Attributes">
          <table class="kv" aria-label="Attributes"><tbody>
            {attrs.map(([k, v]) => <tr key={k}><th scope="row">{k}</th><td class="wrap">{typeof v === 'string' ? v : JSON.stringify(v)}</td></tr>)}
            <tr><th scope="row">sequence</th><td>{stored.sequence}</td></tr>
            <tr><th scope="row">received</th><td><Time at={stored.receivedAt} /></td></tr>
          </tbody></table>
        </Section>
      )}
      {stored !== undefined && raw.data !== undefined && <Data e={stored.event} raw={raw.data} />}
      {t !== undefined && (
        <>
          <Section title="Trace">
            <p>Validation: <Badge tone={t.validation.result === 'valid' ? 'ok' : 'warn'}>{t.validation.result}</Badge>
              {t.validation.result === 'schema-violations' && <> against {t.validation.schema}</>}</p>
            {t.validation.result === 'schema-violations' && <ul>{t.validation.violations.map((v) => <li key={v.path}><code>{v.path}</code> {v.reason}</li>)}</ul>}
            <Timeline trace={t} />
          </Section>
          <Section title="Targets">
            {t.targets.length === 0 ? <p class="muted">No deliveries.</p> : t.targets.map((d) => (
              <div key={`${d.rule}/${d.target}`} class="target-trace">
                <h3>{d.rule} → {d.target} <Badge tone={toneOf(d.state)}>{d.state}</Badge></h3>
                {d.lastError !== null && <p class="error-text">Last error: {d.lastError}</p>}
                {d.attempts.length > 0 && (
                  <div class="table-wrap"><table aria-label={`Attempts to ${d.target}`}>
                    <thead><tr><th scope="col">#</th><th scope="col">At</th><th scope="col">Result</th><th scope="col">Status</th><th scope="col">Duration</th><th scope="col">Error</th></tr></thead>
                    <tbody>{d.attempts.map((a) => (
                      <tr key={a.n}><td>{a.n}</td><td><Time at={a.at} /></td><td><Badge tone={a.ok ? 'ok' : 'bad'}>{a.ok ? 'ok' : 'failed'}</Badge></td>
                        <td>{a.status ?? '—'}</td><td>{Math.round(a.durationMs)} ms</td><td class="wrap">{[a.errorClass, a.message].filter((x) => x !== null).join(': ')}</td></tr>
                    ))}</tbody>
                  </table></div>
                )}
                {d.payload !== null && <details><summary>Payload{d.payloadTruncated ? ' (truncated)' : ''}</summary><pre class="json" tabIndex={0}>{d.payload}</pre></details>}
              </div>
            ))}
          </Section>
          <Section title="Rules">
            <p>Matched: {t.rules.matched.length === 0 ? <span class="muted">none</span> : t.rules.matched.map((r) => <Badge key={r} tone="ok">{r}</Badge>)}</p>
            {(t.rules.notMatched ?? []).length > 0 && (
              <div class="table-wrap"><table aria-label="Rules that did not match">
                <thead><tr><th scope="col">Rule</th><th scope="col">State</th><th scope="col">Why not</th></tr></thead>
                <tbody>{t.rules.notMatched!.map((n) => (
                  <tr key={n.rule}><td>{n.rule}</td><td>{n.state}</td>
                    <td class="wrap">{n.reason === null ? '—' : <>at <code>{n.reason.path || '(filter)'}</code> {n.reason.operator}: expected <code>{JSON.stringify(n.reason.expected)}</code>, got <code>{'actual' in n.reason ? JSON.stringify(n.reason.actual) : '(missing)'}</code></>}</td></tr>
                ))}</tbody>
              </table></div>
            )}
          </Section>
        </>
      )}
    </>
  );
}
