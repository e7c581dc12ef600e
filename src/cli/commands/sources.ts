/**
 * `switchyard sources list|get|put|delete|pause|resume|dead-letters` (`/v1/sources`, docs/sources.md). A
 * source file names connections for its secrets; the server never shows a secret.
 */
import { segment } from '../client.js';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { expandEnvRefs } from '../env-refs.js';
import { UsageError } from '../errors.js';
import { DocumentReader, requireObject } from '../input.js';
import { printJson, printJsonText, printTable } from '../output.js';

interface SourceView {
  readonly name: string;
  readonly kind: string;
  readonly bus: string;
  readonly state: string;
  readonly status: { readonly state: string; readonly lastError?: string };
  readonly counters: { readonly received: number; readonly put: number; readonly rejected: number; readonly lastEventAt: string | null };
  readonly webhookPath?: string;
}

interface PutFlags extends ClientFlags {
  readonly file?: string;
}

const path = (name: string): string => `/v1/sources/${segment(name)}`;

function print(ctx: CommandContext, items: readonly SourceView[]): void {
  printTable(ctx.io.stdout, ['name', 'kind', 'bus', 'status', 'received', 'put', 'rejected', 'last event', 'last error'], items.map((s) => [
    s.name, s.kind, s.bus, s.status.state, s.counters.received, s.counters.put, s.counters.rejected, s.counters.lastEventAt, s.status.lastError ?? null,
  ]));
}

async function put(name: string, fileArg: string | undefined, f: PutFlags, ctx: CommandContext): Promise<void> {
  if (fileArg !== undefined && f.file !== undefined) throw new UsageError('give the source file once: either as an argument or with --file');
  const file = fileArg ?? f.file;
  const reader = new DocumentReader(ctx.io);
  const doc = file === undefined
    ? await reader.stdin('stdin', { missing: 'sources put needs a source: a file argument, --file <path>, or - to read stdin' })
    : await reader.file('--file', file);
  const body = expandEnvRefs(requireObject(doc, 'a source'), ctx.env);
  const answer = await clientFor(f, ctx.env).send('PUT', path(name), { body: JSON.stringify(body), contentType: 'application/json' });
  if (f.json === true) return printJsonText(ctx.io.stdout, answer.text);
  const s = JSON.parse(answer.text) as SourceView;
  ctx.io.stdout.write(`${answer.status === 201 ? 'created' : 'replaced'} source ${s.name} (${s.kind} → bus ${s.bus})${s.webhookPath === undefined ? '' : `; webhook at ${s.webhookPath}`}\n`);
}

/** `switchyard sources list|get|put|delete|pause|resume`. */
export const sourcesCommand: ClientCommand = {
  name: 'sources',
  register(program, ctx) {
    const c = program.command('sources').description('event sources (webhooks, …): where events come from besides the put API');
    withClientOptions(c.command('list')).description('list sources with their status and counters')
      .action(async (f: ClientFlags) => {
        const { text } = await clientFor(f, ctx.env).send('GET', '/v1/sources');
        if (f.json === true) return printJsonText(ctx.io.stdout, text);
        print(ctx, (JSON.parse(text) as { items: SourceView[] }).items);
      });
    withClientOptions(c.command('get')).description('show a source: settings, status and counters, as JSON').argument('<name>', 'source name')
      .action(async (name: string, f: ClientFlags) => {
        const { text } = await clientFor(f, ctx.env).send('GET', path(name));
        printJsonText(ctx.io.stdout, text);
      });
    withClientOptions(c.command('put')).description('create or replace a source from a JSON or YAML file or stdin; ${env:NAME} in a value is read from the environment')
      .argument('<name>', 'source name')
      .argument('[file]', 'source file; - reads stdin')
      .option('-f, --file <path>', 'source file (same as the argument)')
      .action((name: string, file: string | undefined, f: PutFlags) => put(name, file, f, ctx));
    withClientOptions(c.command('delete')).description('delete a source').argument('<name>', 'source name')
      .action(async (name: string, f: ClientFlags) => {
        await clientFor(f, ctx.env).send('DELETE', path(name));
        if (f.json === true) return printJson(ctx.io.stdout, { deleted: name });
        ctx.io.stdout.write(`deleted source ${name}\n`);
      });
    for (const verb of ['pause', 'resume'] as const) {
      withClientOptions(c.command(verb)).description(verb === 'pause' ? 'pause a source (its webhook answers 503 until resumed)' : 'resume a paused source').argument('<name>', 'source name')
        .action(async (name: string, f: ClientFlags) => {
          const { text } = await clientFor(f, ctx.env).send('POST', `${path(name)}/${verb}`);
          if (f.json === true) return printJsonText(ctx.io.stdout, text);
          print(ctx, [JSON.parse(text) as SourceView]);
        });
    }
    withClientOptions(c.command('dead-letters')).description('list the messages a broker source could not take (poison messages), oldest first; --purge deletes them')
      .argument('<name>', 'source name')
      .option('--purge', 'delete them instead')
      .action(async (name: string, f: ClientFlags & { purge?: boolean }) => {
        const client = clientFor(f, ctx.env);
        if (f.purge === true) {
          const { text } = await client.send('DELETE', `${path(name)}/dead-letters`);
          if (f.json === true) return printJsonText(ctx.io.stdout, text);
          ctx.io.stdout.write(`purged ${(JSON.parse(text) as { purged: number }).purged} dead letters of source ${name}\n`);
          return;
        }
        const { text } = await client.send('GET', `${path(name)}/dead-letters?limit=1000`);
        if (f.json === true) return printJsonText(ctx.io.stdout, text);
        const items = (JSON.parse(text) as { items: { id: number; deadAt: string; code: string; reason: string; message: { origin: string } }[] }).items;
        printTable(ctx.io.stdout, ['id', 'dead at', 'from', 'code', 'reason'], items.map((d) => [d.id, d.deadAt, d.message.origin, d.code, d.reason]));
      });
  },
};
