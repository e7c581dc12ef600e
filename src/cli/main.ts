#!/usr/bin/env node
import { Command } from 'commander';
import { registerClientCommands } from './commands.js';
import { runProgram } from './run.js';

const program = new Command()
  .name('switchyard')
  .description('Switchyard: a CloudEvents-native event bus')
  .showHelpAfterError()
  .exitOverride();

program
  .command('start')
  .description('start the server (embedded store in ./data unless configured otherwise)')
  .option('-c, --config <file>', 'switchyard.yaml to load')
  .option('--host <host>', 'listen address (default 127.0.0.1)')
  .option('-p, --port <port>', 'listen port (default 8080)')
  .option('--data-dir <dir>', 'data directory of the embedded store')
  // Loaded on demand: client commands then start without loading the server, store and sqlite.
  .action(async (opts: { config?: string; host?: string; port?: string; dataDir?: string }) => (await import('./start.js')).startCommand(opts, process.env));

registerClientCommands(program, process.env, process);

process.exitCode = await runProgram(program, process.argv, process.stderr);
