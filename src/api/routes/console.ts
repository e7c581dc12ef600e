import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { SwitchyardError } from '../../core/index.js';

/**
 * The web console's build (Vite, `console/` → `dist/console/`). This file sits at the same depth
 * under src/ (tsx) and dist/ (compiled), so the repository root is three folders up either way.
 */
export const defaultConsoleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'dist', 'console');

/**
 * Headers of every console response. The console loads only its own files (no inline script or
 * style, no other origin), talks only to this server, and may not be framed.
 */
export const consoleSecurityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
    "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** A file of the build (an asset or a top-level file such as favicon.svg), as opposed to a page route. */
const isFile = (rel: string): boolean => rel.startsWith('assets/') || /^[^/]+\.[A-Za-z0-9]+$/.test(rel);

/**
 * `/console`: the web console, a single-page app. Files come from the build folder; any other
 * path under /console/ is a page of the app and gets index.html (the app routes it).
 */
export async function consoleRoutes(app: FastifyInstance, deps: { dir: string }): Promise<void> {
  await app.register(async (c) => {
    c.addHook('onSend', async (_req, reply, payload) => {
      for (const [k, v] of Object.entries(consoleSecurityHeaders)) reply.header(k, v);
      return payload;
    });
    await c.register(fastifyStatic, { root: deps.dir, serve: false });
    const built = (): void => {
      if (!existsSync(path.join(deps.dir, 'index.html'))) {
        throw new SwitchyardError('SWY_API_CONSOLE_NOT_BUILT', `the console has no build in ${deps.dir}; run npm run build`);
      }
    };
    const index = (reply: FastifyReply): FastifyReply => reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    c.get('/console', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/console/', 308));
    c.get<{ Params: { '*': string } }>('/console/*', { schema: { hide: true } }, async (req, reply) => {
      built();
      const rel = req.params['*'];
      if (rel === '' || !isFile(rel)) return index(reply);
      // Hashed file names (Vite): a file's content never changes under its name.
      return rel.startsWith('assets/') ? reply.sendFile(rel, { maxAge: 31_536_000_000, immutable: true }) : reply.sendFile(rel);
    });
  });
}
