/// <reference lib="dom" />
// The loop on the page: one click labels a group of unanswered questions; the review queue with
// take-back. Every action is a same-origin POST with the session cookie (the server checks both).
import type { QuestionLabel } from '../../../../bot/insights/index.js';
import type { UnansweredShown } from '../datasets.js';
import { $, api, lang, t, when } from './page.js';
import { el, table } from './tables.js';

export interface Choice {
  id: string;
  title: string;
}
export interface Queue {
  pending: Array<QuestionLabel & { title: string }>;
  exported: Array<QuestionLabel & { title: string }>;
  choices: Choice[];
}

async function post(url: string, body: unknown): Promise<Response> {
  const res = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status === 401) location.href = `/insights/login?lang=${lang}`;
  return res;
}

/** One click labels the group: the model's closest intent is chosen already. */
function labelCell(g: UnansweredShown, choices: Choice[], reload: () => Promise<void>): HTMLElement {
  const box = el('span');
  const state = el('span', '', 'saved');
  state.setAttribute('role', 'status');
  if (g.labelled?.status === 'exported') {
    state.textContent = t('label_exported').replace('{label}', g.labelled.title);
    box.append(state);
    return box;
  }
  const select = document.createElement('select');
  select.setAttribute('aria-label', `${t('col_label')}: ${g.example}`);
  for (const c of choices) {
    const o = document.createElement('option');
    o.value = c.id;
    o.textContent = c.title;
    select.append(o);
  }
  const guess = g.labelled?.label ?? g.intent ?? '';
  select.value = choices.some((c) => c.id === guess) ? guess : 'new_article';
  const button = el('button', t('label_button')) as HTMLButtonElement;
  button.type = 'button';
  button.dataset.label = g.key;
  if (g.labelled) state.textContent = t('label_saved').replace('{label}', g.labelled.title);
  button.addEventListener('click', async () => {
    button.disabled = true;
    const body = {
      lang: g.lang,
      example: g.example,
      wordings: g.wordings,
      label: select.value,
      count: g.count,
    };
    const res = await post('/insights/api/labels', body).catch(() => undefined);
    button.disabled = false;
    const title = choices.find((c) => c.id === select.value)?.title ?? select.value;
    state.className = res?.ok ? 'saved' : 'failed';
    state.textContent = res?.ok ? t('label_saved').replace('{label}', title) : t('label_failed');
    if (res?.ok) void api<Queue>('queue').then((next) => queue(next, reload));
  });
  box.append(select, ' ', button, ' ', state);
  return box;
}

export function unanswered(groups: UnansweredShown[], choices: Choice[], reload: () => Promise<void>): void {
  table(
    'unanswered',
    [t('col_example'), t('col_count'), t('col_intent'), t('col_reasons'), t('col_last'), t('col_label')],
    groups.map((g) => [
      g.example,
      g.count,
      g.intentTitle ?? '–',
      Object.entries(g.decisions)
        .map(([d, n]) => `${t(`reason_${d}`)} ${n}`)
        .join(' · '),
      when(g.lastAt),
      labelCell(g, choices, reload),
    ]),
  );
}

export function queue(q: Queue, reload: () => Promise<void>): void {
  const box = $<HTMLElement>('[data-table="queue"]');
  const pending = el('div');
  table(
    'queue',
    [t('col_example'), t('col_label'), t('col_wordings'), t('col_count'), t('col_labelled_at'), ''],
    q.pending.map((l) => {
      const remove = el('button', t('remove'), 'plain') as HTMLButtonElement;
      remove.type = 'button';
      remove.dataset.remove = l.key;
      remove.addEventListener('click', async () => {
        remove.disabled = true;
        const res = await post('/insights/api/labels/remove', { key: l.key }).catch(() => undefined);
        if (res?.ok) void reload();
        else remove.disabled = false;
      });
      return [l.example, l.title, l.wordings.length, l.count, when(l.labelledAt), remove];
    }),
    pending,
  );
  const parts: HTMLElement[] = [pending];
  if (q.exported.length) {
    const done = el('div');
    table(
      'queue-exported',
      [t('col_example'), t('col_label'), t('col_wordings'), t('col_file')],
      q.exported.map((l) => [l.example, l.title, l.wordings.length, l.exportedTo ?? '']),
      done,
    );
    parts.push(el('h3', t('queue_exported')), done);
  }
  box.replaceChildren(...parts);
}
