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
Every command but start and data talks to a running server over the REST API:
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

const data = program
  .command('data')
  .description('move an embedded installation into a cluster: `data export` its data directory to a file, `data import` the file (docs/cluster.md)');

data
  .command('export')
  .description('export an embedded data directory (no server running on it) to a file, for `data import` into a cluster (docs/cluster.md)')
  .option('--data-dir <dir>', 'the embedded data directory (default: storage.dataDir of the config)')
  .requiredOption('-o, --out <file>', 'the export file to write (line-delimited JSON)')
  .option('-c, --config <file>', 'switchyard.yaml to load (for storage.dataDir)')
  .action(async (opts: { dataDir?: string; out?: string; config?: string }) => (await import('./transfer.js')).exportCommand(opts, process.env, process));

data
  .command('import')
  .description('import an export file (or an embedded data directory) into the cluster of the config, keeping sequences and ids (docs/cluster.md)')
  .option('-i, --in <file>', 'the export file (from `switchyard export`)')
  .option('--from-data-dir <dir>', 'read an embedded data directory directly instead of a file')
  .option('--replace-events', 'delete the events buses of the export already hold in the cluster (otherwise such buses are refused)')
  .option('-c, --config <file>', 'switchyard.yaml to load: the cluster (storage.kind: cluster), as for start')
  .action(async (opts: { in?: string; fromDataDir?: string; replaceEvents?: boolean; config?: string }) => (await import('./transfer.js')).importCommand(opts, process.env, process));

// `switchyard events list --json | head`: the reader went away; stop quietly instead of an EPIPE stack.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(0);
});

registerClientCommands(program, process.env, process);

process.exitCode = await runProgram(program, process.argv, process.stderr);
