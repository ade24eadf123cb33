import type { Lang } from '../../../knowledge/index.js';
import { STRINGS } from './strings.js';

const html = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const STYLE = `
:root{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC",sans-serif;color:#1f2937;background:#f5f6f8}
body{margin:0}
header{display:flex;flex-wrap:wrap;gap:12px;align-items:center;justify-content:space-between;padding:12px 20px;background:#fff;border-bottom:1px solid #e5e7eb}
h1{font-size:20px;margin:0}
h2{font-size:15px;margin:0 0 8px}
form.filter{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
label{font-size:13px;color:#4b5563}
input,select,button{font:inherit;font-size:14px;padding:4px 8px;border:1px solid #cbd5e1;border-radius:6px;background:#fff}
button{cursor:pointer;background:#1d4ed8;color:#fff;border-color:#1d4ed8}
button.plain{background:#fff;color:#1f2937;border-color:#cbd5e1}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:16px;padding:16px 20px}
section{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:14px 16px;min-width:0}
section.wide{grid-column:1/-1}
.chart{height:300px}
.funnel{height:260px}
.funnels{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px}
.bar{display:flex;justify-content:space-between;align-items:baseline;gap:8px}
.bar a{font-size:13px;color:#1d4ed8}
.note{font-size:13px;color:#6b7280;margin:4px 0 0}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}
th{color:#4b5563;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}
td.label{white-space:nowrap}
td.label select{max-width:180px}
.saved{color:#15803d;font-size:13px}
.failed{color:#b91c1c;font-size:13px}
h3{font-size:13px;margin:14px 0 6px;color:#4b5563}
.login{max-width:360px;margin:12vh auto;background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:24px}
.login form{display:flex;flex-direction:column;gap:10px}
.error{color:#b91c1c;font-size:14px}
`;

function frame(lang: Lang, title: string, body: string): string {
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="same-origin"><title>${html(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

export function loginPage(lang: Lang, wrong: boolean): string {
  const s = STRINGS[lang];
  const other = lang === 'zh' ? 'en' : 'zh';
  return frame(
    lang,
    s.login_title,
    `<div class="login"><h1>${html(s.login_title)}</h1>${wrong ? `<p class="error" role="alert">${html(s.login_wrong)}</p>` : ''}
<form method="post" action="/insights/login?lang=${lang}"><label for="secret">${html(s.login_secret)}</label><input id="secret" name="secret" type="password" autocomplete="current-password" required autofocus><button type="submit">${html(s.login_submit)}</button></form>
<p class="note"><a href="/insights/login?lang=${other}">${html(s.lang_switch)}</a></p></div>`,
  );
}

const CHARTS = [
  ['conversations', 'conversations', ''],
  ['containment', 'containment', ''],
  ['claims', 'claims', 'claim-times'],
  ['ratings', 'ratings', ''],
  ['lookups', 'lookups', ''],
  ['applications', 'applications', ''],
  ['decision_times', 'decision-times', ''],
  ['arrivals', 'arrivals', ''],
] as const;

export function insightsPage(lang: Lang): string {
  const s = STRINGS[lang];
  const other = lang === 'zh' ? 'en' : 'zh';
  const csv = (name: string) =>
    `<a class="csv" data-export="${name}" href="/insights/export/${name}.csv">${html(s.export_csv)}</a>`;
  const chart = (key: (typeof CHARTS)[number][0], id: string, exportName: string) =>
    `<section><div class="bar"><h2>${html(s[key])}</h2>${csv(exportName || id)}</div><div class="chart" data-chart="${id}" role="img" aria-label="${html(s[key])}"></div>${id === 'claims' ? '<p class="note" data-note="claims"></p>' : ''}</section>`;
  const table = (
    key: 'solved' | 'refusals' | 'unanswered' | 'queue',
    id: string,
    options: { wide?: boolean; note?: string; exportName?: string } = {},
  ) =>
    `<section${options.wide ? ' class="wide"' : ''}><div class="bar"><h2>${html(s[key])}</h2>${csv(options.exportName ?? id)}</div>${options.note ? `<p class="note">${html(options.note)}</p>` : ''}<div data-table="${id}"><p class="note">${html(s.loading)}</p></div></section>`;
  return frame(
    lang,
    s.title,
    `<header><h1>${html(s.title)}</h1>
<form class="filter" id="filter"><label for="from">${html(s.from)}</label><input type="date" id="from" name="from"><label for="to">${html(s.to)}</label><input type="date" id="to" name="to"><label for="channel">${html(s.channel)}</label><select id="channel" name="channel"><option value="">${html(s.all_channels)}</option></select><button type="submit">${html(s.apply)}</button></form>
<div><a href="/insights?lang=${other}">${html(s.lang_switch)}</a> <form method="post" action="/insights/logout" style="display:inline"><button class="plain" type="submit">${html(s.logout)}</button></form></div></header>
<main>${CHARTS.map(([k, id, e]) => chart(k, id, e)).join('')}
<section class="wide"><div class="bar"><h2>${html(s.funnels)}</h2>${csv('funnels')}</div><div class="funnels" data-funnels></div></section>
${table('solved', 'solved')}${table('refusals', 'refusals')}${table('unanswered', 'unanswered', { wide: true, note: s.label_help })}
${table('queue', 'queue', { wide: true, note: s.queue_note, exportName: 'labels' })}</main>
<script type="application/json" id="strings">${JSON.stringify(s).replace(/</g, '\\u003c')}</script>
<script src="/insights/app.js" defer></script>`,
  );
}
