/**
 * `switchyard test-pattern`: does this event match this filter, and if not, the first failing
 * condition — through `POST /v1/patterns/test` (DESIGN.md §8). Exit code 0 on a match, 1 on no
 * match (or when the request failed; the error then goes to stderr), 2 for a usage error.
 */
import type { Command } from 'commander';
import { segment } from '../client.js';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { ExitStatus, UsageError } from '../errors.js';
import { DocumentReader, requireArray, requireObject } from '../input.js';
import { memberText } from '../json-text.js';
import { printJsonText } from '../output.js';

interface TestPatternFlags extends ClientFlags {
  readonly pattern?: string;
  readonly patternText?: string;
  readonly sql?: string;
  readonly filters?: string;
  readonly rule?: string;
  readonly bus: string;
  readonly event?: string;
  readonly eventText?: string;
}

/** The request body's filter member, as JSON text: `"patternText":"…"` or `"filter":{…}`. */
async function filterMember(f: TestPatternFlags, ctx: CommandContext, reader: DocumentReader): Promise<string> {
  const given = (['pattern', 'patternText', 'sql', 'filters', 'rule'] as const).filter((k) => f[k] !== undefined);
  if (given.length !== 1) {
    const flags = given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new UsageError(`${given.length === 0 ? 'give a filter' : `give one filter, not ${flags.join(' and ')}`}: --pattern <file>, --pattern-text <json>, --sql <expression>, --filters <file> or --rule <name>`);
  }
  if (f.pattern !== undefined) {
    const doc = await reader.file('--pattern', f.pattern);
    requireObject(doc, 'an event pattern');
    // Sent as raw text: the server keeps the pattern's number literals as written.
    return `"patternText":${JSON.stringify(doc.text)}`;
  }
  if (f.patternText !== undefined) return `"patternText":${JSON.stringify(f.patternText)}`;
  if (f.sql !== undefined) return `"filter":${JSON.stringify({ sql: f.sql })}`;
  if (f.filters !== undefined) {
    const doc = await reader.file('--filters', f.filters);
    requireArray(doc, 'CloudEvents Subscriptions filters');
    return `"filter":{"filters":${doc.text}}`;
  }
  const { text } = await clientFor(f, ctx.env).send('GET', `/v1/buses/${segment(f.bus)}/rules/${segment(f.rule!)}`);
  return `"filter":${memberText(text, 'filter') ?? '{}'}`;
}

/** The request body's event member: `"eventText":"…"`, from --event, --event-text or stdin. */
async function eventMember(f: TestPatternFlags, reader: DocumentReader): Promise<string> {
  if (f.event !== undefined && f.eventText !== undefined) throw new UsageError('give the event once: --event <file> or --event-text <json>');
  if (f.eventText !== undefined) return `"eventText":${JSON.stringify(f.eventText)}`;
  const doc = f.event !== undefined
    ? await reader.file('--event', f.event)
    : await reader.stdin('stdin', { missing: 'give the event: --event <file>, --event-text <json>, or pipe it to stdin' });
  return `"eventText":${JSON.stringify(doc.text)}`;
}

/** Prints the answer; a no-match shows the reason's members as the server wrote them. */
function printAnswer(ctx: CommandContext, text: string): boolean {
  const match = (JSON.parse(text) as { match: boolean }).match;
  if (match) {
    ctx.io.stdout.write('match\n');
    return true;
  }
  const reason = memberText(text, 'reason') ?? '{}';
  const path = JSON.parse(memberText(reason, 'path') ?? '""') as string;
  const lines = [
    'no match',
    `  path:     ${path === '' ? '(the whole filter)' : path}`,
    `  operator: ${JSON.parse(memberText(reason, 'operator') ?? '""') as string}`,
    `  expected: ${memberText(reason, 'expected') ?? ''}`,
    `  actual:   ${memberText(reason, 'actual') ?? '(missing)'}`,
  ];
  // The whole filter of a CESQL / subscriptions test names no single field: skip "actual".
  ctx.io.stdout.write(lines.filter((l) => path !== '' || !l.startsWith('  actual')).join('\n') + '\n');
  return false;
}

async function run(f: TestPatternFlags, ctx: CommandContext): Promise<void> {
  const reader = new DocumentReader(ctx.io);
  const body = `{${await filterMember(f, ctx, reader)},${await eventMember(f, reader)}}`;
  const { text } = await clientFor(f, ctx.env).send('POST', '/v1/patterns/test', { body, contentType: 'application/json' });
  let match: boolean;
  if (f.json === true) {
    printJsonText(ctx.io.stdout, text);
    match = (JSON.parse(text) as { match: boolean }).match;
  } else {
    match = printAnswer(ctx, text);
  }
  if (!match) throw new ExitStatus(1);
}

/** `switchyard test-pattern`. */
export const testPatternCommand: ClientCommand = {
  name: 'test-pattern',
  register(program: Command, ctx: CommandContext) {
    withClientOptions(program.command('test-pattern'))
      .description('test a filter against an event: prints "match" (exit 0) or the first failing condition (exit 1)')
      .option('-p, --pattern <file>', 'event pattern file, JSON or YAML (docs/patterns.md); - reads stdin')
      .option('--pattern-text <json>', 'event pattern as JSON text')
      .option('--sql <expression>', 'a CESQL expression instead of a pattern (docs/cesql.md)')
      .option('--filters <file>', 'a CloudEvents Subscriptions filters array instead of a pattern; - reads stdin')
      .option('-r, --rule <name>', 'the filter of an existing rule')
      .option('-b, --bus <bus>', 'the bus of --rule', 'default')
      .option('-e, --event <file>', 'event file, JSON or YAML (default: stdin); - reads stdin')
      .option('--event-text <json>', 'event as JSON text')
      .addHelpText('after', '\nThe event is the CloudEvent in JSON form (attributes at top level, payload under data) or any JSON.\nExit codes: 0 match, 1 no match or the request failed (error on stderr), 2 usage error.')
      .action((f: TestPatternFlags) => run(f, ctx));
  },
};
