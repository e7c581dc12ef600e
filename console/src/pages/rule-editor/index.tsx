import { useEffect, useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { api, ApiError, enc, qs } from '../../api';
import { useApi } from '../../ui/use-api';
import { useCan } from '../../ui/session';
import { Badge, JsonView, Problem, Section } from '../../ui/parts';
import type { Page, PatternTest, Rule, StoredEvent } from '../../types';

type Format = 'json' | 'yaml';
interface RuleDoc { description?: string; state?: 'enabled' | 'disabled'; filter: unknown; targets?: { id?: string; transform?: unknown }[] }
interface Check { valid: boolean; warnings: { path: string; reason: string }[] }
interface TargetOutput { id: string; output?: unknown; contentType?: string; error?: Error }

const NEW_RULE: RuleDoc = { description: '', state: 'enabled', filter: { pattern: { type: ['order.created'] } }, targets: [] };
const SAMPLE_EVENT = { specversion: '1.0', id: 'sample-1', source: 'console', type: 'order.created', datacontenttype: 'application/json', data: { total: 42 } };
const DEBOUNCE_MS = 300;

/**
 * The document of a new rule: NEW_RULE, or with `?pattern=` (JSON, e.g. from the event
 * catalogue's "new rule for this type") that pattern as its filter.
 */
function newRule(pattern: string | undefined): RuleDoc {
  if (pattern === undefined) return NEW_RULE;
  try {
    const p: unknown = JSON.parse(pattern);
    return typeof p === 'object' && p !== null && !Array.isArray(p) ? { ...NEW_RULE, filter: { pattern: p } } : NEW_RULE;
  } catch {
    return NEW_RULE;
  }
}

const show = (v: unknown, f: Format): string => (f === 'json' ? JSON.stringify(v, null, 2) : toYaml(v));
function read(text: string, f: Format): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: f === 'json' ? JSON.parse(text) : parseYaml(text) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** A value that follows `value` once it has not changed for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function reasonText(r: Extract<PatternTest, { match: false }>['reason']): string {
  return `at ${r.path === '' ? '(filter)' : r.path} (${r.operator}): expected ${JSON.stringify(r.expected)}, got ${'actual' in r ? JSON.stringify(r.actual) : 'nothing (missing)'}`;
}

/**
 * Create or edit a rule as JSON or YAML, checked as you type by the server's own checks
 * (POST /v1/rules/check), beside a live tester: the pattern test of an event (pasted or picked
 * from the bus) and each target's transformed output.
 */
export function RuleEditor() {
  const { query, route } = useLocation();
  const can = useCan();
  const admin = can('admin');
  const bus = query.bus ?? 'default';
  const existing = query.name;
  const rule = useApi<Rule>(existing === undefined ? null : `/v1/buses/${enc(bus)}/rules/${enc(existing)}`);
  const recent = useApi<Page<StoredEvent>>(`/v1/buses/${enc(bus)}/events?limit=20`);
  const [name, setName] = useState(existing ?? '');
  const [format, setFormat] = useState<Format>('json');
  const [text, setText] = useState(existing === undefined ? show(newRule(query.pattern), 'json') : '');
  const [eventText, setEventText] = useState(JSON.stringify(SAMPLE_EVENT, null, 2));
  const [check, setCheck] = useState<{ result?: Check; error?: Error; syntax?: string }>({});
  const [test, setTest] = useState<{ result?: PatternTest; error?: Error; outputs: TargetOutput[] }>({ outputs: [] });
  const [saveError, setSaveError] = useState<Error | undefined>(undefined);
  const [saved, setSaved] = useState<string | undefined>(undefined);

  useEffect(() => {
    if (rule.data === undefined) return;
    const { description, state, filter, targets } = rule.data;
    setText(show({ description: description ?? '', state, filter, targets }, format));
  }, [rule.data]);

  const ruleText = useDebounced(text, DEBOUNCE_MS);
  const evText = useDebounced(eventText, DEBOUNCE_MS);
  const doc = useMemo(() => read(ruleText, format), [ruleText, format]);
  const ev = useMemo(() => read(evText, 'json'), [evText]);

  // Validation against the API's own checks.
  useEffect(() => {
    if (!doc.ok) {
      setCheck({ syntax: doc.error });
      return;
    }
    const ac = new AbortController();
    api<Check>('/v1/rules/check', { json: doc.value, signal: ac.signal }).then((result) => setCheck({ result }), (error: unknown) => {
      if (!ac.signal.aborted) setCheck({ error: error as Error });
    });
    return () => ac.abort();
  }, [doc]);

  // The live tester: match or why not, and each target's transformed output.
  useEffect(() => {
    if (!doc.ok || !ev.ok || typeof doc.value !== 'object' || doc.value === null) {
      setTest({ outputs: [], ...(ev.ok ? {} : { error: new Error(`event: ${ev.error}`) }) });
      return;
    }
    const r = doc.value as RuleDoc;
    const ac = new AbortController();
    (async () => {
      const result = await api<PatternTest>('/v1/patterns/test', { json: { filter: r.filter, event: ev.value }, signal: ac.signal });
      const outputs: TargetOutput[] = [];
      if (result.match) {
        for (const t of Array.isArray(r.targets) ? r.targets : []) {
          const id = String(t.id ?? '?');
          if (t.transform === undefined) {
            outputs.push({ id, output: ev.value, contentType: 'the event itself (no transformer)' });
            continue;
          }
          try {
            const o = await api<{ output: unknown; contentType: string }>('/v1/transforms/test', { json: { transform: t.transform, event: ev.value, ruleName: name || 'new-rule' }, signal: ac.signal });
            outputs.push({ id, output: o.output, contentType: o.contentType });
          } catch (error) {
            if (error instanceof ApiError) outputs.push({ id, error });
            else throw error;
          }
        }
      }
      setTest({ result, outputs });
    })().catch((error: unknown) => {
      if (!ac.signal.aborted) setTest({ error: error as Error, outputs: [] });
    });
    return () => ac.abort();
  }, [doc, ev, name]);

  const switchFormat = (f: Format): void => {
    const cur = read(text, format);
    if (cur.ok) setText(show(cur.value, f));
    setFormat(f);
  };
  const save = (e: Event): void => {
    e.preventDefault();
    const cur = read(text, format);
    if (!cur.ok) return;
    setSaved(undefined);
    api<Rule>(`/v1/buses/${enc(bus)}/rules/${enc(name)}`, { method: 'PUT', json: cur.value }).then(() => {
      setSaveError(undefined);
      setSaved(`Saved rule ${name}.`);
      if (existing === undefined) route(`/console/rules/edit${qs({ bus, name })}`, true);
    }, (err: unknown) => setSaveError(err as Error));
  };
  const valid = check.result?.valid === true;
  return (
    <>
      <h1>{existing === undefined ? 'New rule' : `Rule ${existing}`} <span class="muted">on {bus}</span></h1>
      <p><a href={`/console/rules${qs({ bus })}`}>← Rules of {bus}</a></p>
      <Problem error={rule.error} />
      <div class="split">
        <form class="card" onSubmit={save} aria-label="Rule editor">
          <label class="field" for="rule-name"><span>Name</span>
            <input id="rule-name" value={name} onInput={(e) => setName(e.currentTarget.value)} readOnly={existing !== undefined || !admin} required pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}" />
          </label>
          <div role="group" aria-label="Format" class="actions">
            <button type="button" aria-pressed={format === 'json'} onClick={() => switchFormat('json')}>JSON</button>
            <button type="button" aria-pressed={format === 'yaml'} onClick={() => switchFormat('yaml')}>YAML</button>
          </div>
          <label class="field" for="rule-doc"><span>Rule ({format.toUpperCase()}): description, state, filter, targets</span>
            <textarea id="rule-doc" class="editor mono" spellcheck={false} rows={18} value={text} readOnly={!admin}
              aria-describedby="rule-check" aria-invalid={check.syntax !== undefined || check.error !== undefined}
              onInput={(e) => setText(e.currentTarget.value)} />
          </label>
          <div id="rule-check" aria-live="polite" class="check">
            {check.syntax !== undefined && <div class="problem" role="alert"><strong>{format.toUpperCase()} syntax:</strong> {check.syntax}</div>}
            {check.error !== undefined && <Problem error={check.error} />}
            {valid && <p><Badge tone="ok">valid</Badge> The server accepts this rule.</p>}
            {(check.result?.warnings ?? []).map((w) => <p key={w.path} class="warn-text">Warning: <code>{w.path}</code> {w.reason}</p>)}
          </div>
          {admin && <div class="actions"><button type="submit" class="primary" disabled={!valid || name === ''}>Save rule</button></div>}
          {saved !== undefined && <p role="status">{saved}</p>}
          <Problem error={saveError} />
        </form>
        <Section title="Tester">
          <label class="field" for="pick-event"><span>Pick a stored event</span>
            <select id="pick-event" value="" onChange={(e) => {
              const it = recent.data?.items.find((x) => String(x.sequence) === e.currentTarget.value);
              if (it !== undefined) setEventText(JSON.stringify(it.event, null, 2));
            }}>
              <option value="">—</option>
              {(recent.data?.items ?? []).map((x) => <option key={x.sequence} value={String(x.sequence)}>{x.sequence}: {x.event.type} ({x.event.id})</option>)}
            </select>
          </label>
          <label class="field" for="test-event"><span>Event (JSON)</span>
            <textarea id="test-event" class="editor mono" spellcheck={false} rows={10} value={eventText} onInput={(e) => setEventText(e.currentTarget.value)} />
          </label>
          <div aria-live="polite" class="test-result">
            {test.error !== undefined && <Problem error={test.error} />}
            {test.result?.match === true && <p><Badge tone="ok">match</Badge> The rule matches this event.</p>}
            {test.result?.match === false && <p><Badge tone="bad">no match</Badge> <span class="reason">{reasonText(test.result.reason)}</span></p>}
            {test.outputs.map((o) => (
              <div key={o.id}>
                <h3>Target {o.id} would receive {o.contentType !== undefined && <span class="muted">({o.contentType})</span>}</h3>
                {o.error !== undefined ? <Problem error={o.error} /> : <JsonView value={o.output ?? null} label={`Output for ${o.id}`} />}
              </div>
            ))}
          </div>
        </Section>
      </div>
    </>
  );
}
