import { readFile } from 'node:fs/promises';
import path from 'node:path';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChannelHost } from '../../../bot/host.js';
import {
  type InsightsReader,
  type LabelInput,
  LabelInputError,
  type LabelStore,
  labelFrom,
} from '../../../bot/insights/index.js';
import { ApiError } from '../../../contracts/errors.js';
import { type Lang, projectRoot } from '../../../knowledge/index.js';
import type { Channel } from '../channel.js';
import { API, type ApiName, EXPORTS, type Labels, toCsv } from './datasets.js';
import { filterOf } from './filter.js';
import { insightsPage, loginPage } from './pages.js';
import { cookieKey, newSession, SESSION_COOKIE, secretMatches, sessionLive } from './session.js';

export { STRINGS } from './strings.js';

export interface InsightsOptions {
  /** INSIGHTS_SECRET: what a support lead signs in with. */
  secret: string;
  reader: InsightsReader;
  /** Where labelled questions wait for review (the loop). */
  store: LabelStore;
  labels: Labels;
  /** How long a sign-in lasts. */
  sessionHours: number;
  /** Sign-in attempts per minute per client address. */
  loginPerMinute?: number;
}

const SCRIPT = path.join(projectRoot, 'dist', 'public', 'insights.js');

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

/** `lang` in the query, else the browser's first language we speak; Chinese by default. */
export function langOf(request: FastifyRequest): Lang {
  const asked = (request.query as { lang?: unknown } | undefined)?.lang;
  if (asked === 'zh' || asked === 'en') return asked;
  const accept = String(request.headers['accept-language'] ?? '').toLowerCase();
  for (const tag of accept.split(',')) {
    const t = tag.trim();
    if (t.startsWith('zh')) return 'zh';
    if (t.startsWith('en')) return 'en';
  }
  return 'zh';
}

function page(reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', CSP)
    .header('referrer-policy', 'same-origin')
    .header('x-content-type-options', 'nosniff')
    .send(html);
}

/**
 * A POST from another site is refused (CSRF): the session cookie is SameSite=Strict already, and the
 * Origin (or Sec-Fetch-Site) a browser sends must be this server's own.
 */
function sameOrigin(request: FastifyRequest): boolean {
  if (request.headers['sec-fetch-site'] === 'cross-site') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true; // not a browser's cross-site request
  return origin === `${request.protocol}://${request.host}`;
}

/** The session cookie, verified: signed by us, and not over. */
function signedIn(request: FastifyRequest, now: Date): boolean {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return false;
  const { valid, value } = request.unsignCookie(raw);
  return valid && sessionLive(value, now);
}

const isData = (url: string) => url.startsWith('/insights/api/') || url.startsWith('/insights/export/');

/**
 * /insights for support leads (issue 14): a sign-in with INSIGHTS_SECRET, then the page, its
 * script, its data as JSON and every table as CSV. Nothing but the sign-in answers without a
 * session: the data routes say 401, the page sends the browser to the sign-in.
 */
export function create(host: ChannelHost, options: InsightsOptions): Channel {
  let script: Promise<Buffer> | undefined;
  return {
    name: 'insights',
    async routes(server: FastifyInstance) {
      await server.register(cookie, { secret: cookieKey(options.secret) });
      server.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 4096 },
        (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
      );
      server.addHook('onRequest', async (request, reply) => {
        const url = request.url;
        if (!url.startsWith('/insights')) return;
        if (url === '/insights/login' || url.startsWith('/insights/login?')) return;
        if (signedIn(request, host.clock())) return;
        if (isData(url) || request.method !== 'GET') {
          const e = new ApiError('UNAUTHORIZED', { detail: 'sign in at /insights/login' });
          return reply.status(e.status).header('cache-control', 'no-store').send(e.toJSON());
        }
        return reply.redirect(`/insights/login?lang=${langOf(request)}`, 303);
      });

      server.get('/insights/login', async (request, reply) => {
        if (signedIn(request, host.clock())) return reply.redirect(`/insights?lang=${langOf(request)}`, 303);
        const wrong = (request.query as { error?: string }).error === '1';
        return page(reply, loginPage(langOf(request), wrong), wrong ? 401 : 200);
      });
      await server.register(async (scope) => {
        await scope.register(rateLimit, {
          max: options.loginPerMinute ?? 20,
          timeWindow: 60_000,
          errorResponseBuilder: () => ({ statusCode: 429, code: 'RATE_LIMITED', message: 'rate limited' }),
        });
        scope.post('/insights/login', async (request, reply) => {
          if (!sameOrigin(request)) throw new ApiError('ORIGIN_NOT_ALLOWED');
          const form = request.headers['content-type']?.startsWith('application/x-www-form-urlencoded');
          const body = request.body as { secret?: unknown } | null;
          const lang = langOf(request);
          if (!secretMatches(body?.secret, options.secret)) {
            host.logger.warn({ address: request.ip }, 'insights sign-in refused');
            if (form) return reply.redirect(`/insights/login?lang=${lang}&error=1`, 303);
            throw new ApiError('UNAUTHORIZED', { detail: 'wrong secret' });
          }
          const session = newSession(host.clock(), options.sessionHours);
          reply.setCookie(SESSION_COOKIE, session.value, {
            signed: true,
            httpOnly: true,
            sameSite: 'strict',
            secure: request.protocol === 'https',
            path: '/insights',
            maxAge: session.maxAge,
          });
          if (form) return reply.redirect(`/insights?lang=${lang}`, 303);
          return { ok: true };
        });
      });
      server.post('/insights/logout', async (request, reply) => {
        if (!sameOrigin(request)) throw new ApiError('ORIGIN_NOT_ALLOWED');
        reply.clearCookie(SESSION_COOKIE, { path: '/insights' });
        return reply.redirect(`/insights/login?lang=${langOf(request)}`, 303);
      });

      server.get('/insights', async (request, reply) => page(reply, insightsPage(langOf(request))));
      server.get('/insights/app.js', async (_request, reply) => {
        script ??= readFile(SCRIPT);
        const body = await script.catch(() => {
          script = undefined;
          throw new ApiError('NOT_FOUND', { detail: 'insights.js (run npm run build)' });
        });
        return reply
          .type('application/javascript; charset=utf-8')
          .header('cache-control', 'private, max-age=300')
          .header('x-content-type-options', 'nosniff')
          .send(body);
      });
      server.get<{ Params: { name: string } }>('/insights/api/:name', async (request, reply) => {
        const name = request.params.name;
        if (!Object.hasOwn(API, name)) throw new ApiError('NOT_FOUND', { detail: `no data called ${name}` });
        const context = {
          reader: options.reader,
          store: options.store,
          filter: filterOf(request.query, host.clock()),
          lang: langOf(request),
          labels: options.labels,
        };
        reply.header('cache-control', 'no-store');
        return API[name as ApiName](context);
      });
      // the loop: a lead labels a group of unanswered questions, or takes a label back. Only the
      // signed-in reach here (the hook above), and only from this site's own page.
      server.post<{ Body: LabelInput }>('/insights/api/labels', { bodyLimit: 64 * 1024 }, async (request) => {
        if (!sameOrigin(request)) throw new ApiError('ORIGIN_NOT_ALLOWED');
        let label: ReturnType<typeof labelFrom>;
        try {
          label = labelFrom(request.body ?? ({} as LabelInput), {
            intents: options.labels.intents(),
            now: host.clock(),
          });
        } catch (err) {
          if (err instanceof LabelInputError) throw new ApiError('BAD_REQUEST', { detail: err.message });
          throw err;
        }
        const result = await options.store.putLabel(label);
        host.logger.info(
          { label: label.label, wordings: label.wordings.length, result },
          'question labelled',
        );
        return { ok: true, key: label.key, result };
      });
      server.post<{ Body: { key?: unknown } }>('/insights/api/labels/remove', async (request) => {
        if (!sameOrigin(request)) throw new ApiError('ORIGIN_NOT_ALLOWED');
        const key = request.body?.key;
        if (typeof key !== 'string' || !key || key.length > 400)
          throw new ApiError('BAD_REQUEST', { detail: 'key must be a label key' });
        return { ok: true, removed: await options.store.removeLabel(key) };
      });
      server.get<{ Params: { file: string } }>('/insights/export/:file', async (request, reply) => {
        const name = /^([a-z-]+)\.csv$/.exec(request.params.file)?.[1];
        const table = name && Object.hasOwn(EXPORTS, name) ? EXPORTS[name] : undefined;
        if (!name || !table) throw new ApiError('NOT_FOUND', { detail: `no table ${request.params.file}` });
        const filter = filterOf(request.query, host.clock());
        const csv = toCsv(
          await table({
            reader: options.reader,
            store: options.store,
            filter,
            lang: langOf(request),
            labels: options.labels,
          }),
        );
        return reply
          .type('text/csv; charset=utf-8')
          .header('cache-control', 'no-store')
          .header(
            'content-disposition',
            `attachment; filename="insights-${name}-${filter.from}-${filter.to}.csv"`,
          )
          .send(csv);
      });
    },
    async start() {},
    async stop() {},
  };
}
