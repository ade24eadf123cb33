import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { ApiError } from '../../../contracts/errors.js';
import { projectRoot } from '../../../knowledge/index.js';
import type { MerchantTokens } from './merchant-token.js';

export interface WidgetAssetsOptions {
  tokens: MerchantTokens;
  /** The sandbox's fixtures: set only when the embedded sandbox is the acquirer (demo mode). */
  fixtures?: () => Array<{ merchantNo: string; reference: string; scenario?: string }>;
}

const PUBLIC = path.join(projectRoot, 'dist', 'public');
const DEMO = path.join(projectRoot, 'widget', 'demo');

// Our own pages: scripts and connections only from here; the widget's Shadow DOM carries <style>.
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

const TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

async function serve(reply: FastifyReply, file: string, cache: string): Promise<FastifyReply> {
  const body = await readFile(file).catch(() => undefined);
  if (!body) throw new ApiError('NOT_FOUND', { detail: path.basename(file) });
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  reply.type(type).header('cache-control', cache).header('x-content-type-options', 'nosniff');
  if (type.startsWith('text/html'))
    reply.header('content-security-policy', PAGE_CSP).header('referrer-policy', 'same-origin');
  return reply.send(body);
}

/**
 * The embeddable widget (/widget.js, /widget-panel.js: built by `npm run build`), and the demo a
 * newcomer opens first: / (two links), /demo/portal (merchant mode, with a token the demo server
 * issues) and /demo/help (consumer mode). The token and fixture routes exist only beside the sandbox.
 */
export const widgetAssets: FastifyPluginAsync<WidgetAssetsOptions> = async (app, { tokens, fixtures }) => {
  for (const name of ['widget.js', 'widget-panel.js']) {
    app.get(`/${name}`, async (_request, reply) => {
      // any site that embeds the widget loads these
      reply.header('cross-origin-resource-policy', 'cross-origin').header('access-control-allow-origin', '*');
      return serve(reply, path.join(PUBLIC, name), 'public, max-age=300');
    });
  }
  app.get('/', async (_request, reply) => serve(reply, path.join(DEMO, 'index.html'), 'no-cache'));
  app.get('/favicon.ico', async (_request, reply) =>
    reply.status(204).header('cache-control', 'public, max-age=86400').send(),
  );
  app.get('/demo/portal', async (_request, reply) =>
    serve(reply, path.join(DEMO, 'portal.html'), 'no-cache'),
  );
  app.get('/demo/help', async (_request, reply) => serve(reply, path.join(DEMO, 'help.html'), 'no-cache'));
  for (const name of ['demo.css', 'help.js', 'portal.js']) {
    app.get(`/demo/${name}`, async (_request, reply) => serve(reply, path.join(DEMO, name), 'no-cache'));
  }

  if (fixtures) {
    app.get('/demo/fixtures', async () => fixtures());
    app.get('/demo/token', async (_request, reply) => {
      // the demo portal's merchant: the sandbox's first
      const own = fixtures();
      const merchantNo = own[0]?.merchantNo ?? '';
      const mine = own.filter((f) => f.merchantNo === merchantNo);
      reply.header('cache-control', 'no-store');
      return {
        merchantNo,
        token: await tokens.issue(merchantNo, 15 * 60),
        examples: [
          '今天的交易怎么撤销？',
          '结算款什么时候到账',
          ...mine.slice(0, 3).map((f) => `查一下参考号 ${f.reference}`),
        ],
      };
    });
  }
};
