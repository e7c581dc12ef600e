/**
 * `switchyard test-transform`: runs a transformer once on an event through
 * `POST /v1/transforms/test` (DESIGN.md §8) and prints what a target would receive.
 */
import type { Command } from 'commander';
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags, type CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { DocumentReader, inlineDocument, requireObject, type Document } from '../input.js';
import { memberText } from '../json-text.js';
import { printJsonText } from '../output.js';

interface TestTransformFlags extends ClientFlags {
  readonly transform?: string;
  readonly transformText?: string;
  readonly event?: string;
  readonly eventText?: string;
  readonly ruleName?: string;
}

async function transformDoc(f: TestTransformFlags, reader: DocumentReader): Promise<Document> {
  if ((f.transform === undefined) === (f.transformText === undefined)) throw new UsageError('give the transformer once: --transform <file> or --transform-text <json>');
  const doc = f.transform !== undefined ? await reader.file('--transform', f.transform) : await inlineDocument('--transform-text', f.transformText!);
  requireObject(doc, 'a transformer');
  return doc;
}

async function eventDoc(f: TestTransformFlags, reader: DocumentReader): Promise<Document> {
  if (f.event !== undefined && f.eventText !== undefined) throw new UsageError('give the event once: --event <file> or --event-text <json>');
  if (f.eventText !== undefined) return inlineDocument('--event-text', f.eventText);
  if (f.event !== undefined) return reader.file('--event', f.event);
  return reader.stdin('stdin', { missing: 'give the event: --event <file>, --event-text <json>, or pipe it to stdin' });
}

async function run(f: TestTransformFlags, ctx: CommandContext): Promise<void> {
  const reader = new DocumentReader(ctx.io);
  const transform = await transformDoc(f, reader);
  const event = await eventDoc(f, reader);
  const members = [`"transform":${transform.text}`, `"event":${event.text}`];
  if (f.ruleName !== undefined) members.push(`"ruleName":${JSON.stringify(f.ruleName)}`);
  const { text } = await clientFor(f, ctx.env).send('POST', '/v1/transforms/test', { body: `{${members.join(',')}}`, contentType: 'application/json' });
  if (f.json === true) return printJsonText(ctx.io.stdout, text);
  const contentType = JSON.parse(memberText(text, 'contentType') ?? '""') as string;
  const output = memberText(text, 'output') ?? 'null';
  if (/[/+]json\b/.test(contentType)) return printJsonText(ctx.io.stdout, output);
  // Text output (a text template or a text constant): printed as the target would receive it.
  const raw = JSON.parse(output) as unknown;
  const s = typeof raw === 'string' ? raw : output;
  ctx.io.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
}

/** `switchyard test-transform`. */
export const testTransformCommand: ClientCommand = {
  name: 'test-transform',
  register(program: Command, ctx: CommandContext) {
    withClientOptions(program.command('test-transform'))
      .description('run a transformer on an event and print its output (what a target would receive)')
      .option('-x, --transform <file>', 'transformer file, JSON or YAML (docs/transformers.md); - reads stdin')
      .option('--transform-text <json>', 'transformer as JSON text')
      .option('-e, --event <file>', 'CloudEvent file, JSON or YAML (default: stdin); - reads stdin')
      .option('--event-text <json>', 'CloudEvent as JSON text')
      .option('--rule-name <name>', 'rule name for the predefined variables (default test-rule)')
      .addHelpText('after', '\nPrints the output alone (JSON re-indented, text as is); --json prints { output, contentType }.')
      .action((f: TestTransformFlags) => run(f, ctx));
  },
};
