/**
 * `switchyard catalog [--bus] [--source] [--type]`: the event catalogue (`GET /v1/catalog`,
 * docs/api.md) — every (source, type) seen per bus with its count, first and last seen and its
 * registered schema, a page at a time (`--after` the cursor the previous page printed).
 */
import { clientFor, withClientOptions, type ClientCommand, type ClientFlags } from '../context.js';
import { parsePositiveInt } from '../duration.js';
import { printJsonText, printTable } from '../output.js';

interface CatalogFlags extends ClientFlags {
  readonly bus?: string;
  readonly source?: string;
  readonly type?: string;
  readonly after?: string;
  readonly limit?: string;
}

interface CatalogItem {
  readonly bus: string;
  readonly source: string;
  readonly type: string;
  readonly count: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly schema: { readonly name: string; readonly latestVersion: number } | null;
}

interface CatalogPage {
  readonly items: readonly CatalogItem[];
  readonly overflow: readonly { readonly bus: string; readonly types: number; readonly overflow: number }[];
  readonly next?: string;
}

/** `switchyard catalog`. */
export const catalogCommand: ClientCommand = {
  name: 'catalog',
  register(program, ctx) {
    withClientOptions(program.command('catalog'))
      .description('the event catalogue: every (source, type) seen per bus, with counts, first and last seen and its schema')
      .option('--bus <bus>', 'only this bus')
      .option('--source <prefix>', 'only sources starting with this')
      .option('--type <prefix>', 'only types starting with this')
      .option('--after <cursor>', 'the next page: the cursor the previous page printed')
      .option('--limit <n>', 'rows per page (default 100, at most 1000)')
      .action(async (f: CatalogFlags) => {
        const limit = f.limit === undefined ? undefined : parsePositiveInt('--limit', f.limit);
        const { text } = await clientFor(f, ctx.env).send('GET', '/v1/catalog', { query: { bus: f.bus, source: f.source, type: f.type, after: f.after, limit } });
        if (f.json === true) return printJsonText(ctx.io.stdout, text);
        const page = JSON.parse(text) as CatalogPage;
        if (page.items.length === 0) ctx.io.stdout.write('no events seen\n');
        else {
          printTable(ctx.io.stdout, ['bus', 'source', 'type', 'count', 'first seen', 'last seen', 'schema'], page.items.map((i) => [
            i.bus, i.source, i.type, i.count, i.firstSeen, i.lastSeen, i.schema === null ? '' : `${i.schema.name} v${i.schema.latestVersion}`,
          ]));
        }
        for (const o of page.overflow) ctx.io.stdout.write(`bus ${o.bus}: ${o.overflow} event(s) of (source, type) pairs beyond the ${o.types} listed (catalog.maxTypesPerBus)\n`);
        if (page.next !== undefined) ctx.io.stdout.write(`more: --after ${page.next}\n`);
      });
  },
};
