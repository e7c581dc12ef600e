import { segment } from '../client.js';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { DocumentReader, requireObject } from '../input.js';
import { printJson, printJsonText, printTable } from '../output.js';

interface ConnectionView {
  readonly name: string;
  readonly kind: string;
  readonly description: string | null;
  readonly updatedAt: string;
}

interface PutFlags extends ClientFlags {
  readonly file: string;
}

function printConnections(ctx: CommandContext, items: readonly ConnectionView[]): void {
  printTable(ctx.io.stdout, ['name', 'kind', 'description', 'updated'], items.map((c) => [c.name, c.kind, c.description, c.updatedAt]));
}

async function list(f: ClientFlags, ctx: CommandContext): Promise<void> {
  const { text } = await clientFor(f, ctx.env).send('GET', '/v1/connections');
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  printConnections(ctx, (JSON.parse(text) as { items: ConnectionView[] }).items);
}

async function get(name: string, f: ClientFlags, ctx: CommandContext): Promise<void> {
  const { text } = await clientFor(f, ctx.env).send('GET', `/v1/connections/${segment(name)}`);
  printJsonText(ctx.io.stdout, text);
}

/** `connections put <name> --file <f>`: the body as the API takes it; secrets never echo back (the server shows "***"). */
async function put(name: string, f: PutFlags, ctx: CommandContext): Promise<void> {
  const doc = await new DocumentReader(ctx.io).file('--file', f.file);
  requireObject(doc, 'a connection ({ "kind": … })');
  const { status, text } = await clientFor(f, ctx.env).send('PUT', `/v1/connections/${segment(name)}`, { body: doc.text, contentType: 'application/json' });
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  ctx.io.stdout.write(`${status === 201 ? 'created' : 'replaced'} connection ${name}\n`);
}

async function remove(name: string, f: ClientFlags, ctx: CommandContext): Promise<void> {
  await clientFor(f, ctx.env).send('DELETE', `/v1/connections/${segment(name)}`);
  if (f.json === true) return printJson(ctx.io.stdout, { deleted: name });
  ctx.io.stdout.write(`deleted connection ${name}\n`);
}

/** `switchyard connections list|get|put|delete`. */
export const connectionsCommand: ClientCommand = {
  name: 'connections',
  register(program, ctx) {
    const c = program.command('connections').description('manage connections (credentials of targets; secrets are write-only)');
    withClientOptions(c.command('list')).description('list connections (name, kind, description)').action((flags: ClientFlags) => list(flags, ctx));
    withClientOptions(c.command('get')).description('one connection as JSON, secrets shown as ***').argument('<name>', 'connection name').action((name: string, flags: ClientFlags) => get(name, flags, ctx));
    withClientOptions(c.command('put'))
      .description('create or replace a connection (basic, apiKey, oauth2, hmac, aws; docs/targets.md#connections)')
      .argument('<name>', 'connection name')
      .requiredOption('-f, --file <file>', 'the connection as JSON/YAML; - reads stdin')
      .action((name: string, flags: PutFlags) => put(name, flags, ctx));
    withClientOptions(c.command('delete')).description('delete a connection').argument('<name>', 'connection name').action((name: string, flags: ClientFlags) => remove(name, flags, ctx));
  },
};
