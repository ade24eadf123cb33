import type { FastifyPluginAsync } from 'fastify';
import type { Say } from '../../../bot/messages.js';
import { ApiError } from '../../../contracts/errors.js';
import { type Article, LANGS, type Lang, markdown } from '../../../knowledge/index.js';
import { PAGE_CSP } from './widget-assets.js';

export interface KbRouteOptions {
  article(id: string, lang: Lang): Article | undefined;
  say: Say;
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const PAGE_CSS = `body{font:16px/1.6 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.6rem}nav{font-size:.9rem;color:#57606a}a{color:#0550ae}
.chat-hint{background:#f0f5ff;border:1px solid #adc6ff;border-radius:8px;padding:.6rem .9rem;margin:1.2rem 0;color:#1f2328}
body{padding-bottom:6rem}`;

/**
 * An article as a page of its own. Articles say "type the reference number here": the page carries
 * the widget (its launcher, bottom right, in the article's language) and says where "here" is.
 */
function page(article: Article, say: Say): string {
  const other = LANGS.find((l) => l !== article.lang) as Lang;
  const switchLabel = other === 'en' ? 'English' : '中文';
  const hint = escapeHtml(say('kb_chat_hint', article.lang));
  return `<!doctype html>
<html lang="${article.lang === 'zh' ? 'zh-CN' : 'en'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(article.title)}</title><style>${PAGE_CSS}</style></head>
<body><nav><a href="/kb/${other}/${encodeURIComponent(article.id)}" hreflang="${other}">${switchLabel}</a></nav>
<article><h1>${escapeHtml(article.title)}</h1>
<p class="chat-hint">${hint}</p>
${markdown.render(article.body)}</article>
<script src="/widget.js" data-locale="${article.lang}" async></script></body></html>`;
}

/** The full articles, readable at the `url` every article reply carries. */
export const kbRoute: FastifyPluginAsync<KbRouteOptions> = async (app, { article, say }) => {
  app.get<{ Params: { lang: string; id: string } }>('/kb/:lang/:id', async (request, reply) => {
    const { lang, id } = request.params;
    const found = (LANGS as readonly string[]).includes(lang) ? article(id, lang as Lang) : undefined;
    if (!found) throw new ApiError('NOT_FOUND', { detail: 'no such article' });
    return (
      reply
        .type('text/html; charset=utf-8')
        // the demo pages' policy: the widget's script and its connections from here, nothing else
        .header('content-security-policy', PAGE_CSP)
        .header('referrer-policy', 'same-origin')
        .header('cache-control', 'public, max-age=300')
        .send(page(found, say))
    );
  });

  app.get<{ Params: { id: string } }>('/kb/:id', async (request, reply) => {
    if (!article(request.params.id, 'zh')) throw new ApiError('NOT_FOUND', { detail: 'no such article' });
    return reply.redirect(`/kb/zh/${encodeURIComponent(request.params.id)}`);
  });
};
