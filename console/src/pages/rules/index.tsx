import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, enc, qs } from '../../api';
import { useApi } from '../../ui/use-api';
import { useCan } from '../../ui/session';
import { Badge, BusSelect, Problem, toneOf } from '../../ui/parts';
import type { Bus, Page, Rule } from '../../types';

/** The rules of a bus, with enable / disable / delete for keys that may manage them. */
export function Rules() {
  const { query, route } = useLocation();
  const can = useCan();
  const buses = useApi<Page<Bus>>('/v1/buses');
  const bus = query.bus ?? 'default';
  const rules = useApi<Page<Rule>>(`/v1/buses/${enc(bus)}/rules`);
  const [error, setError] = useState<Error | undefined>(undefined);
  const act = (path: string, method: string): void => {
    api(path, { method }).then(() => {
      setError(undefined);
      rules.reload();
    }, (e: unknown) => setError(e as Error));
  };
  return (
    <>
      <h1>Rules</h1>
      <div class="filters">
        <BusSelect buses={buses.data?.items} value={bus} onChange={(b) => route(`/console/rules${qs({ bus: b })}`)} />
        {can('admin') && <div class="actions"><a class="button primary" href={`/console/rules/edit${qs({ bus })}`}>New rule</a></div>}
      </div>
      <Problem error={error ?? rules.error} />
      <div class="table-wrap">
        <table aria-label={`Rules of ${bus}`}>
          <thead><tr><th scope="col">Name</th><th scope="col">State</th><th scope="col">Filter</th><th scope="col">Targets</th><th scope="col">Actions</th></tr></thead>
          <tbody>
            {(rules.data?.items ?? []).map((r) => (
              <tr key={r.name}>
                <td><a href={`/console/rules/edit${qs({ bus, name: r.name })}`}>{r.name}</a>{r.description !== null && <div class="muted">{r.description}</div>}</td>
                <td><Badge tone={toneOf(r.state)}>{r.state}</Badge></td>
                <td><code class="clip">{JSON.stringify(r.filter)}</code></td>
                <td>{r.targets.map((t) => String(t.id)).join(', ') || <span class="muted">none</span>}</td>
                <td class="actions">
                  <a href={`/console/targets${qs({ bus, rule: r.name })}`}>Targets</a>
                  {can('admin') && (
                    <>
                      <button type="button" onClick={() => act(`/v1/buses/${enc(bus)}/rules/${enc(r.name)}/${r.state === 'enabled' ? 'disable' : 'enable'}`, 'POST')}>{r.state === 'enabled' ? 'Disable' : 'Enable'}</button>
                      <button type="button" class="danger" onClick={() => { if (confirm(`Delete rule ${r.name}?`)) act(`/v1/buses/${enc(bus)}/rules/${enc(r.name)}`, 'DELETE'); }}>Delete</button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rules.data !== undefined && rules.data.items.length === 0 && <p class="muted">No rules on this bus.</p>}
    </>
  );
}
