import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import type { Bus } from '../types';

/** An error as the API explained it: detail, code and one line per violation. */
export function Problem({ error }: { error: Error | undefined }) {
  if (error === undefined) return null;
  const e = error instanceof ApiError ? error : undefined;
  return (
    <div class="problem" role="alert">
      <strong>{error.message}</strong>
      {e !== undefined && <span class="code"> {e.code}</span>}
      {e !== undefined && e.violations.length > 0 && (
        <ul>{e.violations.map((v) => <li key={`${v.path}:${v.reason}`}><code>{v.path || '/'}</code> {v.reason}</li>)}</ul>
      )}
    </div>
  );
}

/** Pretty JSON; `raw` is shown as is (byte-exact) when it is not JSON. */
export function JsonView({ value, label }: { value: unknown; label?: string }) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return <pre class="json" tabIndex={0} aria-label={label ?? 'JSON'}>{text}</pre>;
}

export function Section({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="card" aria-label={title}>
      <header class="card-head"><h2>{title}</h2>{actions !== undefined && <div class="actions">{actions}</div>}</header>
      {children}
    </section>
  );
}

export function Badge({ tone, children }: { tone: 'ok' | 'warn' | 'bad' | 'info'; children: ComponentChildren }) {
  return <span class={`badge ${tone}`}>{children}</span>;
}

export function toneOf(state: string): 'ok' | 'warn' | 'bad' | 'info' {
  if (['delivered', 'enabled', 'healthy', 'closed', 'valid'].includes(state)) return 'ok';
  if (['dead', 'disabled', 'open', 'failed'].includes(state)) return 'bad';
  if (['retrying', 'failing', 'half-open', 'pending'].includes(state)) return 'warn';
  return 'info';
}

export function BusSelect({ buses, value, onChange, id = 'bus' }: { buses: readonly Bus[] | undefined; value: string; onChange: (bus: string) => void; id?: string }) {
  return (
    <label class="field" for={id}>
      <span>Bus</span>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {(buses ?? [{ name: value } as Bus]).map((b) => <option key={b.name} value={b.name}>{b.name}</option>)}
      </select>
    </label>
  );
}

export function Time({ at }: { at: string | null | undefined }) {
  if (at === null || at === undefined) return <span class="muted">—</span>;
  const d = new Date(at);
  return <time dateTime={at} title={at}>{d.toLocaleString(undefined, { hour12: false })}</time>;
}

/** Copy and download buttons for a text. */
export function CopyDownload({ text, filename, type }: { text: string; filename: string; type: string }) {
  const [copied, setCopied] = useState(false);
  const download = (): void => {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <span class="actions">
      <button type="button" onClick={() => void navigator.clipboard.writeText(text).then(() => setCopied(true), () => setCopied(false))}>{copied ? 'Copied' : 'Copy'}</button>
      <button type="button" onClick={download}>Download</button>
    </span>
  );
}

/** A bar chart of counts (an SVG; no chart library needed for bars). */
export function BarChart({ values, label }: { values: readonly number[]; label: string }) {
  const w = 240;
  const h = 48;
  const max = Math.max(1, ...values);
  const bw = w / Math.max(1, values.length);
  return (
    <svg class="chart" viewBox={`0 0 ${w} ${h}`} width={w} height={h} role="img" aria-label={label}>
      <title>{label}</title>
      <line x1="0" y1={h - 0.5} x2={w} y2={h - 0.5} class="axis" />
      {values.map((v, i) => {
        const bh = v === 0 ? 0 : Math.max(2, (v / max) * (h - 4));
        return <rect key={i} x={i * bw + 1} y={h - bh} width={Math.max(1, bw - 2)} height={bh} class="bar" />;
      })}
    </svg>
  );
}
