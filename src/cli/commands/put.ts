import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { segment } from '../client.js';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { readAll } from '../io.js';
import { printJsonText, printTable } from '../output.js';
import type { PutAnswer } from '../wire.js';

const STRUCTURED = 'application/cloudevents+json';
const BATCH = 'application/cloudevents-batch+json';

/** Attribute names `--ext` must not set: they have their own flags (or are the payload). */
const RESERVED = new Set(['specversion', 'id', 'source', 'type', 'datacontenttype', 'dataschema', 'subject', 'time', 'data', 'data_base64']);

interface PutFlags extends ClientFlags {
  readonly file?: string;
  readonly bus: string;
  readonly type?: string;
  readonly source?: string;
  readonly id?: string;
  readonly subject?: string;
  readonly time?: string;
  readonly dataschema?: string;
  readonly datacontenttype?: string;
  readonly data?: string;
  readonly dataFile?: string;
  readonly ext: readonly string[];
  readonly transaction?: string;
  readonly deliverAt?: string;
}

/** What goes on the wire: the body text and its CloudEvents content mode. */
interface PutBody {
  readonly text: string;
  readonly contentType: typeof STRUCTURED | typeof BATCH;
}

const collect = (v: string, acc: readonly string[]): string[] => [...acc, v];

/** The flags that describe one event; none of them may be combined with a file. */
const EVENT_FLAGS = ['type', 'source', 'id', 'subject', 'time', 'dataschema', 'datacontenttype', 'data', 'dataFile', 'deliverAt'] as const;

/**
 * Builds the structured-mode JSON text of one event from flags. The data text is spliced in as
 * written (after checking it is JSON), so its number literals reach the server unchanged.
 */
async function eventFromFlags(f: PutFlags): Promise<PutBody> {
  if (f.type === undefined || f.source === undefined) throw new UsageError('put needs --type and --source (or an event file: --file <path>, or - for stdin)');
  if (f.data !== undefined && f.dataFile !== undefined) throw new UsageError('use either --data or --data-file, not both');
  const attrs: Record<string, string> = { specversion: '1.0', id: f.id ?? randomUUID(), source: f.source, type: f.type };
  for (const k of ['subject', 'time', 'dataschema', 'datacontenttype'] as const) {
    const v = f[k];
    if (v !== undefined) attrs[k] = v;
  }
  if (f.deliverAt !== undefined) attrs.deliverat = f.deliverAt;
  for (const kv of f.ext) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--ext "${kv}" must be key=value`);
    const key = kv.slice(0, eq);
    if (RESERVED.has(key)) throw new UsageError(`--ext ${key}: "${key}" is a core attribute, not an extension`);
    if (key in attrs) throw new UsageError(`--ext ${key} is given twice`);
    attrs[key] = kv.slice(eq + 1);
  }
  const json = JSON.stringify(attrs);
  const dataText = f.dataFile !== undefined ? await readText('--data-file', f.dataFile) : f.data;
  if (dataText === undefined) return { text: json, contentType: STRUCTURED };
  try {
    JSON.parse(dataText);
  } catch (e) {
    throw new UsageError(`${f.dataFile !== undefined ? '--data-file' : '--data'} is not valid JSON: ${(e as Error).message}`);
  }
  return { text: `${json.slice(0, -1)},"data":${dataText.trim()}}`, contentType: STRUCTURED };
}

/**
 * The body of an event file: sent exactly as written. A top-level array goes in batch mode,
 * anything else in structured mode; the server validates and reports every violation.
 */
function eventsFromText(origin: string, text: string): PutBody {
  const first = text.trimStart()[0];
  if (first === undefined) throw new UsageError(`${origin} is empty: expected a CloudEvent JSON object or an array of them`);
  return { text, contentType: first === '[' ? BATCH : STRUCTURED };
}

async function readText(flag: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${flag} ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

async function run(fileArg: string | undefined, f: PutFlags, ctx: CommandContext): Promise<void> {
  if (fileArg !== undefined && f.file !== undefined) throw new UsageError('give the event file once: either as an argument or with --file');
  const file = fileArg ?? f.file;
  let body: PutBody;
  if (file !== undefined) {
    const given = EVENT_FLAGS.filter((k) => f[k] !== undefined);
    if (given.length > 0 || f.ext.length > 0) throw new UsageError('an event file and event flags (--type, --data, --ext, ...) cannot be combined');
    body = file === '-' ? eventsFromText('stdin', await readAll(ctx.io.stdin)) : eventsFromText(file, await readText('--file', file));
  } else {
    body = await eventFromFlags(f);
  }
  const client = clientFor(f, ctx.env);
  const headers = f.transaction === undefined ? undefined : { 'switchyard-transaction': f.transaction };
  const answer = await client.send('POST', `/v1/buses/${segment(f.bus)}/events`, { body: body.text, contentType: body.contentType, ...(headers === undefined ? {} : { headers }) });
  if (f.json === true) return printJsonText(ctx.io.stdout, answer.text);
  const { results } = JSON.parse(answer.text) as PutAnswer;
  if (f.transaction !== undefined) {
    printTable(ctx.io.stdout, ['id', 'source', 'transaction'], results.map((r) => [r.id, r.source, r.transaction ?? '']));
    return;
  }
  printTable(ctx.io.stdout, ['id', 'source', 'sequence', 'duplicate'], results.map((r) => [r.id, r.source, r.sequence ?? '', r.duplicate === true ? 'yes' : '']));
}

/** `switchyard put`: one event from flags, or a CloudEvent / array of them from a file or stdin. */
export const putCommand: ClientCommand = {
  name: 'put',
  register(program, ctx) {
    withClientOptions(program.command('put'))
      .description('put events on a bus: one event from flags, or a JSON file / stdin (-) holding a CloudEvent or an array of them')
      .argument('[file]', 'event file; - reads stdin')
      .option('-f, --file <path>', 'event file (same as the argument); - reads stdin')
      .option('-b, --bus <bus>', 'bus to put on', 'default')
      .option('-t, --type <type>', 'CloudEvents type')
      .option('-s, --source <source>', 'CloudEvents source (URI-reference)')
      .option('--id <id>', 'event id (default: a random UUID)')
      .option('--subject <subject>', 'CloudEvents subject')
      .option('--time <time>', 'CloudEvents time (RFC 3339)')
      .option('--dataschema <uri>', 'CloudEvents dataschema')
      .option('--datacontenttype <type>', 'CloudEvents datacontenttype (default: JSON)')
      .option('-d, --data <json>', 'event data as JSON text')
      .option('--data-file <path>', 'event data read from a JSON file')
      .option('-e, --ext <key=value>', 'extension attribute, as a string (repeatable)', collect, [] as string[])
      .option('--deliver-at <time>', 'delay the event\'s deliveries until this time (RFC 3339; the deliverat attribute)')
      .option('--transaction <id>', 'put into this open transaction (held until it commits; see `switchyard tx`)')
      .action((file: string | undefined, flags: PutFlags) => run(file, flags, ctx));
  },
};
