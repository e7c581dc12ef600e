/**
 * `switchyard schemas settings <bus> [--validation …] [--discovery …] [--sample-rate …]`: shows a
 * bus's schema validation mode and discovery, or changes them when a flag is given
 * (`/v1/buses/{bus}/schema-settings`, docs/schemas.md).
 */
import type { Command } from 'commander';
import { segment } from '../client.js';
import { clientFor, withClientOptions, type ClientFlags, type CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { printJsonText, printTable } from '../output.js';

interface SettingsFlags extends ClientFlags {
  readonly validation?: string;
  readonly discovery?: string;
  readonly sampleRate?: string;
}

interface SettingsView {
  readonly bus: string;
  readonly validation: string;
  readonly discovery: boolean;
  readonly sampleRate: number;
}

const VALIDATION = ['off', 'warn', 'enforce'];

function body(f: SettingsFlags): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (f.validation !== undefined) {
    if (!VALIDATION.includes(f.validation)) throw new UsageError(`--validation "${f.validation}" must be one of ${VALIDATION.join(', ')}`);
    out.validation = f.validation;
  }
  if (f.discovery !== undefined) {
    if (f.discovery !== 'on' && f.discovery !== 'off') throw new UsageError(`--discovery "${f.discovery}" must be on or off`);
    out.discovery = f.discovery === 'on';
  }
  if (f.sampleRate !== undefined) {
    const r = Number(f.sampleRate);
    if (f.sampleRate.trim() === '' || !Number.isFinite(r) || r <= 0 || r > 1) throw new UsageError(`--sample-rate "${f.sampleRate}" must be a number in (0, 1]`);
    out.sampleRate = r;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Adds `schemas settings` to the `schemas` command. */
export function registerSchemaSettings(schemas: Command, ctx: CommandContext): void {
  withClientOptions(schemas.command('settings').description("show a bus's schema validation and discovery, or change them with the flags"))
    .argument('<bus>', 'bus name')
    .option('--validation <mode>', `validation of events with a dataschema: ${VALIDATION.join(', ')}`)
    .option('--discovery <on|off>', 'infer schemas from the events put on the bus')
    .option('--sample-rate <rate>', 'share of events discovery looks at, in (0, 1]')
    .action(async (bus: string, f: SettingsFlags) => {
      const change = body(f);
      const path = `/v1/buses/${segment(bus)}/schema-settings`;
      const client = clientFor(f, ctx.env);
      const { text } = change === undefined ? await client.send('GET', path) : await client.send('PUT', path, { body: JSON.stringify(change), contentType: 'application/json' });
      if (f.json === true) return printJsonText(ctx.io.stdout, text);
      const s = JSON.parse(text) as SettingsView;
      printTable(ctx.io.stdout, ['bus', 'validation', 'discovery', 'sample rate'], [[s.bus, s.validation, s.discovery ? 'on' : 'off', s.sampleRate]]);
    });
}
