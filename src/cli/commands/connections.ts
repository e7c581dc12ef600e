/**
 * `switchyard connections list|get|put|delete`: the credentials http targets use
 * (`/v1/connections`, docs/targets.md). A connection file may refer to secrets as
 * `${env:NAME}`, read from the environment here, so the file itself holds none; the server
 * never shows a secret back ("***").
 */
import { segment } from '../client.js';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { expandEnvRefs } from '../env-refs.js';
import { UsageError } from '../errors.js';
import { DocumentReader, requireObject } from '../input.js';
import { printJson, printJsonText, printTable } from '../output.js';

interface ConnectionView {
  readonly name: string;
  readonly kind: string;
  readonly description: string | null;
  readonly updatedAt: string;
  readonly [field: string]: unknown;
}

interface PutFlags extends ClientFlags {
  readonly file?: string;
}

const path = (name: string): string => `/v1/connections/${segment(name)}`;

/** The kind-specific, non-secret settings of a connection, one `key=value` list for the table. */
function settings(c: ConnectionView): string {
  return Object.entries(c).filter(([k]) => !['name', 'kind', 'description', 'createdAt', 'updatedAt'].includes(k)).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
}

function print(ctx: CommandContext, items: readonly ConnectionView[]): void {
  printTable(ctx.io.stdout, ['name', 'kind', 'settings', 'description', 'updated'], items.map((c) => [c.name, c.kind, settings(c), c.description, c.updatedAt]));
}

async function put(name: string, fileArg: string | undefined, f: PutFlags, ctx: CommandContext): Promise<void> {
  if (fileArg !== undefined && f.file !== undefined) throw new UsageError('give the connection file once: either as an argument or with --file');
  const file = fileArg ?? f.file;
  const reader = new DocumentReader(ctx.io);
  const doc = file === undefined
    ? await reader.stdin('stdin', { missing: 'connections put needs a connection: a file argument, --file <path>, or - to read stdin' })
    : await reader.file('--file', file);
  const body = expandEnvRefs(requireObject(doc, 'a connection'), ctx.env);
  const answer = await clientFor(f, ctx.env).send('PUT', path(name), { body: JSON.stringify(body), contentType: 'application/json' });
  if (f.json === true) return printJsonText(ctx.io.stdout, answer.text);
  const c = JSON.parse(answer.text) as ConnectionView;
  ctx.io.stdout.write(`${answer.status === 201 ? 'created' : 'replaced'} connection ${c.name} (${c.kind})\n`);
}

/** `switchyard connections list|get|put|delete`. */
export const connectionsCommand: ClientCommand = {
  name: 'connections',
  register(program, ctx) {
    const c = program.command('connections').description('credentials for http targets (basic, apiKey, oauth2); secrets are write-only');
    withClientOptions(c.command('list')).description('list connections (secrets masked)')
      .action(async (f: ClientFlags) => {
        const { text } = await clientFor(f, ctx.env).send('GET', '/v1/connections');
        if (f.json === true) return printJsonText(ctx.io.stdout, text);
        print(ctx, (JSON.parse(text) as { items: ConnectionView[] }).items);
      });
    withClientOptions(c.command('get')).description('show a connection (secrets masked)').argument('<name>', 'connection name')
      .action(async (name: string, f: ClientFlags) => {
        const { text } = await clientFor(f, ctx.env).send('GET', path(name));
        if (f.json === true) return printJsonText(ctx.io.stdout, text);
        print(ctx, [JSON.parse(text) as ConnectionView]);
      });
    withClientOptions(c.command('put')).description('create or replace a connection from a JSON or YAML file or stdin; ${env:NAME} in a value is read from the environment; a secret field left out keeps the stored one')
      .argument('<name>', 'connection name')
      .argument('[file]', 'connection file; - reads stdin')
      .option('-f, --file <path>', 'connection file (same as the argument)')
      .action((name: string, file: string | undefined, f: PutFlags) => put(name, file, f, ctx));
    withClientOptions(c.command('delete')).description('delete a connection').argument('<name>', 'connection name')
      .action(async (name: string, f: ClientFlags) => {
        await clientFor(f, ctx.env).send('DELETE', path(name));
        if (f.json === true) return printJson(ctx.io.stdout, { deleted: name });
        ctx.io.stdout.write(`deleted connection ${name}\n`);
      });
  },
};
