import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, enc, qs } from '../../api';
import { useApi } from '../../ui/use-api';
import { useCan } from '../../ui/session';
import { diffLines } from '../../ui/diff';
import { BusSelect, CopyDownload, JsonView, Problem, Section } from '../../ui/parts';
import type { Bus, Page, Schema, SchemaSettings, SchemaVersion } from '../../types';

// The registry's compatibility modes (docs/schemas.md).
const MODES = ['NONE', 'BACKWARD', 'FORWARD', 'FULL'];

function Diff({ a, b }: { a: SchemaVersion; b: SchemaVersion }) {
  const lines = diffLines(JSON.stringify(a.schema, null, 2), JSON.stringify(b.schema, null, 2));
  return (
    <pre class="diff" tabIndex={0} aria-label={`Diff of version ${a.version} and ${b.version}`}>
      {lines.map((l, i) => <span key={i} class={`d-${l.kind}`}>{l.kind === 'added' ? '+ ' : l.kind === 'removed' ? '- ' : '  '}{l.text}{'\n'}</span>)}
    </pre>
  );
}

function SchemaDetail({ schema, onChange }: { schema: Schema; onChange: () => void }) {
  const can = useCan();
  const scope = qs({ source: schema.source ?? undefined });
  const base = `/v1/schemas/${enc(schema.name)}`;
  const versions = useApi<Page<SchemaVersion>>(`${base}/versions${scope}`);
  const list = versions.data?.items ?? [];
  const [va, setVa] = useState<number | undefined>(undefined);
  const [vb, setVb] = useState<number | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  useEffect(() => {
    if (list.length === 0) return;
    setVb(list[list.length - 1]!.version);
    setVa(list[Math.max(0, list.length - 2)]!.version);
  }, [versions.data]);
  const code = useApi<string>(vb === undefined ? null : `${base}/versions/${vb}/code${scope}`, { text: true });
  const a = list.find((v) => v.version === va);
  const b = list.find((v) => v.version === vb);
  const setMode = (mode: string): void => {
    api(`${base}${scope}`, { method: 'PUT', json: { compatibility: mode } }).then(() => { setError(undefined); onChange(); }, (e: unknown) => setError(e as Error));
  };
  const pick = (id: string, label: string, value: number | undefined, set: (v: number) => void) => (
    <label class="field" for={id}><span>{label}</span>
      <select id={id} value={value === undefined ? '' : String(value)} onChange={(e) => set(Number(e.currentTarget.value))}>
        {list.map((v) => <option key={v.version} value={String(v.version)}>version {v.version}</option>)}
      </select>
    </label>
  );
  return (
    <Section title={`Schema ${schema.name}${schema.source === null ? '' : ` (source ${schema.source})`}`}>
      <Problem error={error ?? versions.error} />
      <div class="filters">
        <label class="field" for="compat"><span>Compatibility</span>
          {can('admin') ? (
            <select id="compat" value={schema.compatibility} onChange={(e) => setMode(e.currentTarget.value)}>{MODES.map((m) => <option key={m} value={m}>{m}</option>)}</select>
          ) : <output id="compat">{schema.compatibility}</output>}
        </label>
        {pick('v-a', 'Compare version', va, setVa)}
        {pick('v-b', 'with version', vb, setVb)}
      </div>
      {a !== undefined && b !== undefined && <Diff a={a} b={b} />}
      {b !== undefined && (
        <>
          <h3>Generated TypeScript (version {b.version}) {code.data !== undefined && <CopyDownload text={code.data} filename={`${schema.name}.v${b.version}.ts`} type="text/plain" />}</h3>
          <Problem error={code.error} />
          {code.data !== undefined && <pre class="json" tabIndex={0} aria-label="Generated TypeScript">{code.data}</pre>}
        </>
      )}
    </Section>
  );
}

function BusSchemaSettings({ bus }: { bus: string }) {
  const can = useCan();
  const s = useApi<SchemaSettings>(`/v1/buses/${enc(bus)}/schema-settings`);
  const doc = useApi<unknown>(`/v1/buses/${enc(bus)}/asyncapi`);
  const [error, setError] = useState<Error | undefined>(undefined);
  const set = (body: Partial<SchemaSettings>): void => {
    api(`/v1/buses/${enc(bus)}/schema-settings`, { method: 'PUT', json: body }).then(() => { setError(undefined); s.reload(); doc.reload(); }, (e: unknown) => setError(e as Error));
  };
  const text = doc.data === undefined ? '' : JSON.stringify(doc.data, null, 2);
  return (
    <>
      <Section title={`Validation on ${bus}`}>
        <Problem error={error ?? s.error} />
        {s.data !== undefined && (
          <div class="filters">
            <label class="field" for="validation"><span>Validation</span>
              <select id="validation" value={s.data.validation} disabled={!can('admin')} onChange={(e) => set({ validation: e.currentTarget.value as SchemaSettings['validation'] })}>
                {['off', 'warn', 'enforce'].map((m) => <option key={m} value={m}>{m}</option>)}
              </select>
            </label>
            <label class="check-field" for="discovery">
              <input id="discovery" type="checkbox" checked={s.data.discovery} disabled={!can('admin')} onChange={(e) => set({ discovery: e.currentTarget.checked })} /> Schema discovery
            </label>
            <span class="muted">Sample rate {s.data.sampleRate}</span>
          </div>
        )}
      </Section>
      <Section title={`AsyncAPI document of ${bus}`} actions={text === '' ? undefined : <CopyDownload text={text} filename={`${bus}.asyncapi.json`} type="application/json" />}>
        <Problem error={doc.error} />
        {doc.data !== undefined && <details><summary>Show the document</summary><JsonView value={doc.data} label="AsyncAPI JSON" /></details>}
      </Section>
    </>
  );
}

/** Schemas: versions and their diff, compatibility mode, generated code; per bus: validation and AsyncAPI. */
export function Schemas() {
  const { query, route } = useLocation();
  const buses = useApi<Page<Bus>>('/v1/buses');
  const schemas = useApi<Page<Schema>>('/v1/schemas');
  const bus = query.bus ?? 'default';
  const key = (s: Schema): string => `${s.name}\u0000${s.source ?? ''}`;
  const selected = (schemas.data?.items ?? []).find((s) => key(s) === query.schema);
  const link = (s: Schema): string => `/console/schemas${qs({ bus, schema: key(s) })}`;
  return (
    <>
      <h1>Schemas</h1>
      <div class="filters"><BusSelect buses={buses.data?.items} value={bus} onChange={(b) => route(`/console/schemas${qs({ bus: b, schema: query.schema })}`)} /></div>
      <Problem error={schemas.error} />
      <Section title="Registered schemas">
        <div class="table-wrap"><table aria-label="Schemas">
          <thead><tr><th scope="col">Name</th><th scope="col">Source</th><th scope="col">Compatibility</th><th scope="col">Latest</th></tr></thead>
          <tbody>{(schemas.data?.items ?? []).map((s) => (
            <tr key={key(s)} class={selected !== undefined && key(selected) === key(s) ? 'current' : undefined}>
              <td><a href={link(s)}>{s.name}</a></td><td>{s.source ?? <span class="muted">any</span>}</td><td>{s.compatibility}</td><td>{s.latestVersion ?? '—'}</td>
            </tr>
          ))}</tbody>
        </table></div>
        {schemas.data !== undefined && schemas.data.items.length === 0 && <p class="muted">No schemas registered.</p>}
      </Section>
      {selected !== undefined && <SchemaDetail key={key(selected)} schema={selected} onChange={schemas.reload} />}
      <BusSchemaSettings key={bus} bus={bus} />
    </>
  );
}
