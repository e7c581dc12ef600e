#!/usr/bin/env node
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { registerClientCommands } from './commands.js';
import { runProgram } from './run.js';

// package.json sits two levels up both from src/cli/main.ts and from dist/cli/main.js.
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command()
  .name('switchyard')
  .description('Switchyard: a CloudEvents-native event bus')
  .version(version, '-V, --version')
  .showHelpAfterError()
  .addHelpText('after', `
Every command but start talks to a running server over the REST API:
  --url (env SWITCHYARD_URL, default http://127.0.0.1:8080), --api-key (env SWITCHYARD_API_KEY).
Exit codes: 0 done, 1 the operation failed (or test-pattern: no match), 2 usage error.
Docs: docs/cli.md`)
  .exitOverride();

program
  .command('start')
  .description('start the server (embedded store in ./data unless configured otherwise)')
  .option('-c, --config <file>', 'switchyard.yaml to load')
  .option('--host <host>', 'listen address (default 127.0.0.1)')
  .option('-p, --port <port>', 'listen port (default 8080)')
  .option('--data-dir <dir>', 'data directory of the embedded store')
  .option('--apply <file>', 'once listening, make the server match this configuration document (docs/config-as-code.md)')
  // Loaded on demand: client commands then start without loading the server, store and sqlite.
  .action(async (opts: { config?: string; host?: string; port?: string; dataDir?: string; apply?: string }) => (await import('./start.js')).startCommand(opts, process.env));

// `switchyard events list --json | head`: the reader went away; stop quietly instead of an EPIPE stack.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(0);
});

registerClientCommands(program, process.env, process);

process.exitCode = await runProgram(program, process.argv, process.stderr);
