import { segment } from '../client.js';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { formatDuration, parseDuration, parsePositiveInt } from '../duration.js';
import { UsageError } from '../errors.js';
import { printJson, printJsonText, printTable } from '../output.js';
import type { BusView } from '../wire.js';

interface CreateFlags extends ClientFlags {
  readonly description?: string;
  readonly maxAge?: string;
  readonly maxCount?: string;
}

function printBuses(ctx: CommandContext, buses: readonly BusView[]): void {
  printTable(ctx.io.stdout, ['name', 'description', 'last sequence', 'max age', 'max count', 'created'], buses.map((b) => [
    b.name, b.description, b.lastSequence, formatDuration(b.retention.maxAgeMs), b.retention.maxCount ?? 'none', b.createdAt,
  ]));
}

async function list(f: ClientFlags, ctx: CommandContext): Promise<void> {
  const { text } = await clientFor(f, ctx.env).send('GET', '/v1/buses');
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  printBuses(ctx, (JSON.parse(text) as { items: BusView[] }).items);
}

/**
 * `buses create`: retention flags are sent only when given, so the server's defaults apply
 * otherwise (7 days by age; no age limit when only --max-count is given).
 */
async function create(name: string, f: CreateFlags, ctx: CommandContext): Promise<void> {
  const retention: { maxAgeMs?: number | null; maxCount?: number } = {};
  if (f.maxAge !== undefined) retention.maxAgeMs = parseDuration('--max-age', f.maxAge);
  if (f.maxCount !== undefined) retention.maxCount = parsePositiveInt('--max-count', f.maxCount);
  const body = { name, description: f.description, retention: Object.keys(retention).length > 0 ? retention : undefined };
  const { text } = await clientFor(f, ctx.env).send('POST', '/v1/buses', { body: JSON.stringify(body), contentType: 'application/json' });
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  printBuses(ctx, [JSON.parse(text) as BusView]);
}

interface UpdateFlags extends Omit<CreateFlags, 'description'> {
  /** The text, or false for `--no-description` (commander's negation of the same option). */
  readonly description?: string | false;
}

/** `buses update`: only the flags given change; `--max-age none` / `--max-count none` lift a limit. */
async function update(name: string, f: UpdateFlags, ctx: CommandContext): Promise<void> {
  const retention: { maxAgeMs?: number | null; maxCount?: number | null } = {};
  if (f.maxAge !== undefined) retention.maxAgeMs = parseDuration('--max-age', f.maxAge);
  if (f.maxCount !== undefined) retention.maxCount = f.maxCount === 'none' ? null : parsePositiveInt('--max-count', f.maxCount);
  const body: Record<string, unknown> = {};
  if (f.description !== undefined) body.description = f.description === false ? null : f.description;
  if (Object.keys(retention).length > 0) body.retention = retention;
  if (Object.keys(body).length === 0) throw new UsageError('buses update needs at least one of --description, --no-description, --max-age, --max-count');
  const { text } = await clientFor(f, ctx.env).send('PATCH', `/v1/buses/${segment(name)}`, { body: JSON.stringify(body), contentType: 'application/json' });
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  printBuses(ctx, [JSON.parse(text) as BusView]);
}

async function remove(name: string, f: ClientFlags, ctx: CommandContext): Promise<void> {
  await clientFor(f, ctx.env).send('DELETE', `/v1/buses/${segment(name)}`);
  if (f.json === true) return printJson(ctx.io.stdout, { deleted: name });
  ctx.io.stdout.write(`deleted bus ${name}\n`);
}

/** `switchyard buses list|create|update|delete`. */
export const busesCommand: ClientCommand = {
  name: 'buses',
  register(program, ctx) {
    const buses = program.command('buses').description('manage buses');
    withClientOptions(buses.command('list'))
      .description('list buses with their retention and last sequence')
      .action((flags: ClientFlags) => list(flags, ctx));
    withClientOptions(buses.command('create'))
      .description('create a bus')
      .argument('<name>', 'bus name')
      .option('--description <text>', 'what the bus is for')
      .option('--max-age <duration>', 'retention by age: 7d, 12h, 30m (at least 1m), or none (server default 7d)')
      .option('--max-count <n>', 'retention by count: keep the newest n events')
      .action((name: string, flags: CreateFlags) => create(name, flags, ctx));
    withClientOptions(buses.command('update'))
      .description("change a bus's description or retention (only what the flags give)")
      .argument('<name>', 'bus name')
      .option('--description <text>', 'what the bus is for')
      .option('--no-description', 'remove the description')
      .option('--max-age <duration>', 'retention by age: 7d, 12h, 30m (at least 1m), or none')
      .option('--max-count <n>', 'retention by count: keep the newest n events, or none')
      .action((name: string, flags: UpdateFlags) => update(name, flags, ctx));
    withClientOptions(buses.command('delete'))
      .description('delete a bus and all its events')
      .argument('<name>', 'bus name')
      .action((name: string, flags: ClientFlags) => remove(name, flags, ctx));
  },
};
