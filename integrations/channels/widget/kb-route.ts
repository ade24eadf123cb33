import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../../../contracts/errors.js';
import { type Article, LANGS, type Lang, markdown } from '../../../knowledge/index.js';

export interface KbRouteOptions {
  article(id: string, lang: Lang): Article | undefined;
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const PAGE_CSS = `body{font:16px/1.6 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.6rem}nav{font-size:.9rem;color:#57606a}a{color:#0550ae}`;

function page(article: Article): string {
  const other = LANGS.find((l) => l !== article.lang) as Lang;
  const switchLabel = other === 'en' ? 'English' : '中文';
  return `<!doctype html>
<html lang="${article.lang === 'zh' ? 'zh-CN' : 'en'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(article.title)}</title><style>${PAGE_CSS}</style></head>
<body><nav><a href="/kb/${other}/${encodeURIComponent(article.id)}" hreflang="${other}">${switchLabel}</a></nav>
<article><h1>${escapeHtml(article.title)}</h1>
${markdown.render(article.body)}</article></body></html>`;
}

/** The full articles, readable at the `url` every article reply carries. */
export const kbRoute: FastifyPluginAsync<KbRouteOptions> = async (app, { article }) => {
  app.get<{ Params: { lang: string; id: string } }>('/kb/:lang/:id', async (request, reply) => {
    const { lang, id } = request.params;
    const found = (LANGS as readonly string[]).includes(lang) ? article(id, lang as Lang) : undefined;
    if (!found) throw new ApiError('NOT_FOUND', { detail: 'no such article' });
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .header('cache-control', 'public, max-age=300')
      .send(page(found));
  });

  app.get<{ Params: { id: string } }>('/kb/:id', async (request, reply) => {
    if (!article(request.params.id, 'zh')) throw new ApiError('NOT_FOUND', { detail: 'no such article' });
    return reply.redirect(`/kb/zh/${encodeURIComponent(request.params.id)}`);
  });
};
