/**
 * `switchyard schemas import <asyncapi-file>`: registers the message payload schemas of an
 * AsyncAPI 3 document (YAML or JSON) as schema versions, one per message, through the REST API.
 * Messages whose payload is not JSON Schema are reported and skipped; a registration the server
 * refuses (an incompatible version, say) is reported and the others still go in (exit code 1).
 */
import type { Command } from 'commander';
import { asyncApiSchemas } from '../../schemas/index.js';
import { segment } from '../client.js';
import { clientFor, withClientOptions, type ClientFlags, type CommandContext } from '../context.js';
import { ApiError, ExitStatus, UsageError } from '../errors.js';
import { DocumentReader } from '../input.js';

interface ImportFlags extends ClientFlags {
  readonly dryRun?: boolean;
}

/** Adds `schemas import` to the `schemas` command. */
export function registerSchemasImport(schemas: Command, ctx: CommandContext): void {
  const { env, io } = ctx;
  withClientOptions(schemas.command('import').description('register the message payload schemas of an AsyncAPI 3 document (YAML or JSON)'))
    .argument('<file>', 'AsyncAPI 3 document')
    .option('--dry-run', 'list what would be registered; register nothing')
    .action(async (file: string, f: ImportFlags) => {
      const { schemas: found, skipped } = asyncApiSchemas((await new DocumentReader(io).file('import', file)).value);
      for (const s of skipped) io.stderr.write(`skipped ${s.path || '/'}: ${s.reason}\n`);
      if (found.length === 0) throw new UsageError(`${file}: no message with a JSON Schema payload to import`);
      const client = clientFor(f, env);
      let failed = 0;
      for (const s of found) {
        const label = `${s.name}${s.source === null ? '' : ` (source ${s.source})`}`;
        if (f.dryRun === true) {
          io.stdout.write(`would register ${label} from ${s.at}${s.dialect === undefined ? '' : ` (${s.dialect})`}\n`);
          continue;
        }
        const body = JSON.stringify(s.dialect === undefined ? { schema: s.schema } : { schema: s.schema, dialect: s.dialect });
        try {
          const answer = await client.send('POST', `/v1/schemas/${segment(s.name)}/versions`, { query: { source: s.source ?? undefined }, body, contentType: 'application/json' });
          const v = JSON.parse(answer.text) as { version: number };
          io.stdout.write(answer.status === 201 ? `${label}: registered version ${v.version}\n` : `${label}: unchanged, identical to version ${v.version}\n`);
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          failed++;
          const why = e.problem?.violations?.map((x) => `${x.path}: ${x.reason}`).join('; ');
          io.stderr.write(`${label}: not registered: ${e.problem?.detail ?? e.message}${why === undefined || why === '' ? '' : ` (${why})`}\n`);
        }
      }
      if (failed > 0) {
        io.stderr.write(`${failed} of ${found.length} schema(s) not registered\n`);
        throw new ExitStatus(1);
      }
    });
}
