import type { Command } from 'commander';
import { busesCommand } from './commands/buses.js';
import { catalogCommand } from './commands/catalog.js';
import { configCommand } from './commands/config.js';
import { connectionsCommand } from './commands/connections.js';
import { schedulesCommand } from './commands/schedules.js';
import { sourcesCommand } from './commands/sources.js';
import { targetsCommand } from './commands/targets.js';
import { deadLettersCommand } from './commands/dead-letters.js';
import { archivesCommand, replaysCommand } from './commands/replays.js';
import { eventsCommand } from './commands/events.js';
import { putCommand } from './commands/put.js';
import { tailCommand } from './commands/tail.js';
import { traceCommand } from './commands/trace.js';
import { rulesCommand } from './commands/rules.js';
import { schemasCommand } from './commands/schemas.js';
import { testPatternCommand } from './commands/test-pattern.js';
import { testTransformCommand } from './commands/test-transform.js';
import { queuesCommand } from './commands/queues.js';
import { consumersCommand } from './commands/consumers.js';
import { txCommand } from './commands/tx.js';
import type { ClientCommand, Env } from './context.js';
import type { CliIo } from './io.js';

/**
 * Every command that talks to a running server, in help order. Extension point: a new command
 * (rules, test-pattern, test-transform, trace, tail, …) is one file under src/cli/commands/
 * exporting a {@link ClientCommand}, added to this list; it builds its client with `clientFor`
 * and its flags with `withClientOptions`, and throws (ApiError, ConnectionError, UsageError) for
 * `runProgram` to report.
 */
export const CLIENT_COMMANDS: readonly ClientCommand[] = [putCommand, eventsCommand, busesCommand, rulesCommand, testPatternCommand, testTransformCommand, traceCommand, tailCommand, schemasCommand, deadLettersCommand, targetsCommand, connectionsCommand, catalogCommand, configCommand, replaysCommand, archivesCommand, queuesCommand, consumersCommand, txCommand, sourcesCommand, schedulesCommand];

/**
 * Registers the client commands on `program`. Call after `program.exitOverride()` so the
 * subcommands inherit it and usage errors reach `runProgram` instead of exiting the process.
 */
export function registerClientCommands(program: Command, env: Env, io: CliIo): void {
  for (const c of CLIENT_COMMANDS) c.register(program, { env, io });
}
