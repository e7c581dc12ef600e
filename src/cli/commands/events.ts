import { segment, type SwitchyardClient } from '../client.js';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { elementTexts, memberText } from '../json-text.js';
import { printJsonText, printTable } from '../output.js';
import type { EventPage, StoredEventView } from '../wire.js';

interface ListFlags extends ClientFlags {
  readonly bus: string;
  readonly type?: string;
  readonly source?: string;
  readonly subject?: string;
  readonly from?: string;
  readonly to?: string;
  readonly after?: string;
  readonly limit?: string;
  readonly all?: boolean;
  readonly query?: string;
  readonly pattern?: string;
  readonly rule?: string;
  readonly state?: string;
}

interface GetFlags extends ClientFlags {
  readonly bus: string;
  readonly source?: string;
}

/** With --all and no --limit, pages are as large as the server allows, to save round trips. */
const ALL_PAGE_SIZE = 1000;

/** One page as raw text (items kept byte-exact for --json) and parsed (for the table). */
interface Page {
  readonly itemTexts: string[];
  readonly parsed: EventPage;
}

async function fetchPage(client: SwitchyardClient, f: ListFlags, after: string | undefined): Promise<Page> {
  const query = {
    type: f.type, source: f.source, subject: f.subject, from: f.from, to: f.to, after,
    q: f.query, pattern: f.pattern, rule: f.rule, state: f.state,
    limit: f.limit ?? (f.all === true ? ALL_PAGE_SIZE : undefined),
  };
  const { text } = await client.send('GET', `/v1/buses/${segment(f.bus)}/events`, { query });
  return { itemTexts: elementTexts(memberText(text, 'items') ?? '[]'), parsed: JSON.parse(text) as EventPage };
}

function attr(e: StoredEventView, name: string): string | undefined {
  const v = e.event[name];
  return v === undefined ? undefined : String(v);
}

function printEvents(ctx: CommandContext, items: readonly StoredEventView[]): void {
  printTable(ctx.io.stdout, ['sequence', 'id', 'type', 'source', 'subject', 'received', 'rules'], items.map((e) => [
    e.sequence, attr(e, 'id'), attr(e, 'type'), attr(e, 'source'), attr(e, 'subject'), e.receivedAt, (e.matchedRules ?? []).join(', '),
  ]));
}

/**
 * `events list`: one page, or with --all every page (following `next` until the server omits
 * it). Without --all, a further page is announced on stderr so stdout stays machine-readable.
 */
async function list(f: ListFlags, ctx: CommandContext): Promise<void> {
  const client = clientFor(f, ctx.env);
  const texts: string[] = [];
  const items: StoredEventView[] = [];
  let after = f.after;
  let next: number | undefined;
  for (;;) {
    const page = await fetchPage(client, f, after);
    texts.push(...page.itemTexts);
    items.push(...page.parsed.items);
    next = page.parsed.next;
    if (next === undefined || f.all !== true) break;
    after = String(next);
  }
  if (f.json === true) {
    printJsonText(ctx.io.stdout, `{"items":[${texts.join(',')}]${next === undefined ? '' : `,"next":${next}`}}`);
  } else {
    printEvents(ctx, items);
  }
  if (next !== undefined) ctx.io.stderr.write(`more events: add --after ${next} for the next page, or --all for every page\n`);
}

/** `events get`: the event's JSON, pretty; with --json the whole stored view (sequence, receivedAt, rules). */
async function get(id: string, f: GetFlags, ctx: CommandContext): Promise<void> {
  const client = clientFor(f, ctx.env);
  const { text } = await client.send('GET', `/v1/buses/${segment(f.bus)}/events/${segment(id)}`, { query: { source: f.source } });
  printJsonText(ctx.io.stdout, f.json === true ? text : (memberText(text, 'event') ?? text));
}

/** `switchyard events list|get`: reads events back through the query API. */
export const eventsCommand: ClientCommand = {
  name: 'events',
  register(program, ctx) {
    const events = program.command('events').description('read events of a bus');
    withClientOptions(events.command('list'))
      .description('list events in sequence order, filtered, a page at a time (--all for every page)')
      .option('-b, --bus <bus>', 'bus to read', 'default')
      .option('-t, --type <type>', 'only this type')
      .option('-s, --source <source>', 'only this source')
      .option('--subject <subject>', 'only this subject')
      .option('--from <time>', 'received at or after (RFC 3339 or epoch ms)')
      .option('--to <time>', 'received before (RFC 3339 or epoch ms)')
      .option('-q, --query <text>', 'full-text search over the payload (SQLite FTS5 syntax)')
      .option('-p, --pattern <json>', 'only events matching this event pattern (JSON text, docs/patterns.md)')
      .option('-r, --rule <name>', 'only events this rule matched')
      .option('--state <state>', 'only events in this delivery state: delivered, pending, retrying, dead or unmatched')
      .option('--after <sequence>', 'cursor: only events with a greater sequence')
      .option('-n, --limit <n>', 'events per page (1-1000; server default 100)')
      .option('-a, --all', 'follow next cursors and print every page')
      .action((flags: ListFlags) => list(flags, ctx));
    withClientOptions(events.command('get'))
      .description('print one event (the newest with this id; narrow with --source)')
      .argument('<id>', 'event id')
      .option('-b, --bus <bus>', 'bus to read', 'default')
      .option('-s, --source <source>', 'the event\'s source, when ids repeat across sources')
      .action((id: string, flags: GetFlags) => get(id, flags, ctx));
  },
};
