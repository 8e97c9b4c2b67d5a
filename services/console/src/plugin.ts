import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { type Asset, defaultDistDir, loadAssets } from './assets';

export interface ConsoleOptions {
  /** Where the built console is; the package's own dist/ unless a test points elsewhere. */
  distDir?: string;
}

// The console talks only to the same origin's public API and loads nothing from elsewhere; the API
// token lives in sessionStorage, so no inline script, no framing and no third-party origin may run.
const securityHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

// The console's pages are for people, not part of the API document.
const hidden = { schema: { hide: true } };

function send(reply: FastifyReply, asset: Asset): FastifyReply {
  // index.html is tiny and names the bundle: always revalidated so an upgrade shows at once.
  return reply.headers(securityHeaders).header('cache-control', 'no-cache').type(asset.contentType).send(asset.body);
}

/**
 * Serves the web console: `/` is the page, `/console/app.js` and `/console/app.css` its assets. The
 * console's screens live in the URL fragment (`/#/services/P123`), so no path of the REST API is taken.
 */
async function console(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  const assets = loadAssets(options.distDir ?? defaultDistDir);
  if (assets === null) {
    app.log.warn('console_not_built');
    app.get('/', hidden, async (_request, reply) =>
      reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The Klaxon console is not built: run `pnpm install` (or `pnpm --filter @klaxon/console build`).\n'),
    );
    return;
  }
  const page = assets.get('index.html') as Asset;
  app.get('/', hidden, async (_request, reply) => send(reply, page));
  app.get<{ Params: { file: string } }>('/console/:file', hidden, async (request, reply) => {
    const asset = request.params.file === 'index.html' ? undefined : assets.get(request.params.file);
    if (asset === undefined) return reply.callNotFound();
    return send(reply, asset);
  });
}

export const consolePlugin = fp(console, { name: 'klaxon-console' });
