import type { Command } from 'commander';
import { SwitchyardClient } from './client.js';
import type { CliIo } from './io.js';

/** The environment as main read it; the only place the CLI learns SWITCHYARD_* from. */
export type Env = Readonly<Record<string, string | undefined>>;

/** What every client command receives when it registers. */
export interface CommandContext {
  readonly env: Env;
  readonly io: CliIo;
}

/**
 * A client command group (put, events, buses, …). Extension point: a new command is one file
 * under src/cli/commands/ exporting one of these, listed in src/cli/commands.ts.
 */
export interface ClientCommand {
  readonly name: string;
  register(program: Command, ctx: CommandContext): void;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** The flags {@link withClientOptions} adds to every command that calls the server. */
export interface ClientFlags {
  readonly url?: string;
  readonly apiKey?: string;
  readonly json?: boolean;
}

/** Adds `--url`, `--api-key` and `--json` to a command that calls the server. */
export function withClientOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', `server base URL (env SWITCHYARD_URL, default ${DEFAULT_URL})`)
    .option('--api-key <key>', 'API key sent as Authorization: Bearer (env SWITCHYARD_API_KEY)')
    .option('--json', 'print the answer as JSON instead of a table');
}

/** The client for these flags: a flag wins over the environment, which wins over the default. */
export function clientFor(flags: ClientFlags, env: Env): SwitchyardClient {
  return new SwitchyardClient({
    baseUrl: flags.url ?? nonEmpty(env.SWITCHYARD_URL) ?? DEFAULT_URL,
    apiKey: flags.apiKey ?? nonEmpty(env.SWITCHYARD_API_KEY),
  });
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}
