import { segment } from '../client.js';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { printJsonText } from '../output.js';

interface TraceFlags extends ClientFlags {
  readonly bus: string;
  readonly source?: string;
  readonly explain?: boolean;
}

/** The trace as `GET /v1/buses/{bus}/events/{id}/trace` answers it (docs/observability.md). */
interface MismatchReason { readonly path: string; readonly operator: string; readonly expected?: unknown; readonly actual?: unknown }
interface Attempt { readonly n: number; readonly at: string; readonly durationMs: number; readonly ok: boolean; readonly status: number | null; readonly errorClass: string | null; readonly message: string | null }
interface TargetTrace {
  readonly rule: string; readonly target: string; readonly state: string; readonly payload: string | null; readonly payloadTruncated: boolean;
  readonly attempts: readonly Attempt[]; readonly lastError: string | null;
}
type Step =
  | { readonly at: string; readonly step: 'received'; readonly mode: string; readonly size: number }
  | { readonly at: string; readonly step: 'matched'; readonly rules: readonly string[] }
  | { readonly at: string; readonly step: 'attempt'; readonly rule: string; readonly target: string; readonly n: number; readonly ok: boolean; readonly status: number | null; readonly durationMs: number; readonly error: string | null; readonly note?: string }
  | { readonly at: string; readonly step: 'delivered' | 'dead'; readonly rule: string; readonly target: string; readonly reason?: string };
export interface TraceView {
  readonly bus: string; readonly id: string; readonly source: string; readonly type: string; readonly sequence: number;
  readonly received: { readonly at: string; readonly size: number; readonly mode: string; readonly client: string | null; readonly traceparent: string | null };
  readonly validation: { readonly result: string; readonly schema?: string; readonly violations?: readonly { readonly path: string; readonly reason: string }[] };
  readonly rules: { readonly matched: readonly string[]; readonly notMatched?: readonly { readonly rule: string; readonly state: string; readonly reason: MismatchReason | null }[] };
  readonly targets: readonly TargetTrace[];
  readonly finalState: string;
  readonly timeline: readonly Step[];
}

/** Longest payload excerpt printed per target; --json shows what the server sent. */
const PAYLOAD_CHARS = 300;

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

function why(r: MismatchReason | null): string {
  if (r === null) return 'the filter cannot be explained (not an event pattern, or it fails on this event)';
  const at = r.path === '' ? 'the event' : r.path;
  return `${at}: ${r.operator} expected ${show(r.expected)}, got ${show(r.actual)}`;
}

const time = (iso: string): string => iso.replace(/^\d{4}-\d\d-\d\dT/, '').replace(/Z$/, '');

function stepLine(s: Step): string {
  switch (s.step) {
    case 'received':
      return `received   ${s.mode}, ${s.size} bytes`;
    case 'matched':
      return `matched    ${s.rules.length === 0 ? 'no rule' : s.rules.join(', ')}`;
    case 'attempt': {
      const result = s.ok ? `ok${s.status === null ? '' : ` ${s.status}`}${s.note === undefined ? '' : `: ${s.note}`}` : `failed${s.error === null ? '' : `: ${s.error}`}`;
      return `attempt ${s.n}  ${s.rule}/${s.target}  ${result}  (${s.durationMs} ms)`;
    }
    case 'delivered':
      return `delivered  ${s.rule}/${s.target}`;
    case 'dead':
      return `dead       ${s.rule}/${s.target}${s.reason === undefined ? '' : `: ${s.reason}`}`;
  }
}

/** The trace as readable text: header, rules, one block per target, then the timeline. */
export function renderTrace(t: TraceView): string {
  const out: string[] = [];
  out.push(`event ${t.id}  (bus ${t.bus}, sequence ${t.sequence})`);
  out.push(`  type         ${t.type}`);
  out.push(`  source       ${t.source}`);
  const from = t.received.client === null ? '' : ` from ${t.received.client}`;
  out.push(`  received     ${t.received.at}  ${t.received.mode}, ${t.received.size} bytes${from}`);
  if (t.received.traceparent !== null) out.push(`  traceparent  ${t.received.traceparent}`);
  const v = t.validation;
  out.push(`  validation   ${v.result === 'valid' ? 'valid' : `accepted despite schema ${v.schema ?? ''} (warn mode)`}`);
  for (const x of v.violations ?? []) out.push(`               ${x.path}: ${x.reason}`);
  out.push(`  final state  ${t.finalState}`);
  out.push('');
  out.push(`rules matched: ${t.rules.matched.length === 0 ? 'none' : t.rules.matched.join(', ')}`);
  if (t.rules.notMatched !== undefined) {
    if (t.rules.notMatched.length === 0) out.push('rules not matched: none');
    for (const r of t.rules.notMatched) out.push(`  not matched  ${r.rule}${r.state === 'enabled' ? '' : ` (${r.state})`}: ${why(r.reason)}`);
  }
  if (t.targets.length > 0) {
    out.push('');
    out.push('targets:');
    for (const x of t.targets) {
      const n = x.attempts.length;
      out.push(`  ${x.rule}/${x.target}  ${x.state}  ${n} attempt${n === 1 ? '' : 's'}`);
      if (x.lastError !== null && x.state !== 'delivered') out.push(`    last error  ${x.lastError}`);
      if (x.payload !== null) {
        const cut = x.payload.length > PAYLOAD_CHARS || x.payloadTruncated;
        out.push(`    payload     ${x.payload.slice(0, PAYLOAD_CHARS).replace(/\s*\n\s*/g, ' ')}${cut ? ' …(truncated)' : ''}`);
      }
    }
  }
  out.push('');
  out.push('timeline:');
  for (const s of t.timeline) out.push(`  ${time(s.at)}  ${stepLine(s)}`);
  return out.join('\n') + '\n';
}

/** `switchyard trace <id>`: what happened to one event, end to end. */
async function trace(id: string, f: TraceFlags, ctx: CommandContext): Promise<void> {
  const client = clientFor(f, ctx.env);
  const { text } = await client.send('GET', `/v1/buses/${segment(f.bus)}/events/${segment(id)}/trace`, {
    query: { source: f.source, explain: f.explain === true ? 'true' : undefined },
  });
  if (f.json === true) printJsonText(ctx.io.stdout, text);
  else ctx.io.stdout.write(renderTrace(JSON.parse(text) as TraceView));
}

export const traceCommand: ClientCommand = {
  name: 'trace',
  register(program, ctx) {
    withClientOptions(program.command('trace'))
      .description('show what happened to an event: receipt, matched rules, every delivery attempt, final state')
      .argument('<id>', 'event id')
      .option('-b, --bus <bus>', 'bus of the event', 'default')
      .option('-s, --source <source>', 'the event\'s source, when ids repeat across sources')
      .option('-e, --explain', 'also say why each other rule of the bus did not match')
      .action((id: string, flags: TraceFlags) => trace(id, flags, ctx));
  },
};
