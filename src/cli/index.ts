// Public surface of src/cli (DESIGN.md §3): the `switchyard` command's client side.
export { registerClientCommands, CLIENT_COMMANDS } from './commands.js';
export { runProgram } from './run.js';
export { SwitchyardClient, segment, type ClientOptions, type Query, type RequestOptions, type RawAnswer } from './client.js';
export { clientFor, withClientOptions, DEFAULT_URL, type ClientCommand, type ClientFlags, type CommandContext, type Env } from './context.js';
export { ApiError, ConnectionError, ExitStatus, UsageError, reportError, EXIT_FAILURE, EXIT_USAGE, type ProblemBody, type ProblemViolation } from './errors.js';
export type { CliIo } from './io.js';
export type { PutAnswer, PutResult, StoredEventView, EventPage, BusView } from './wire.js';
