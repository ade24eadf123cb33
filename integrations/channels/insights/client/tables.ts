/// <reference lib="dom" />
// The page's tables: plain DOM (textContent only: users' words are never HTML).
import { $, t } from './page.js';

export type Cell = string | number | HTMLElement;

export function table(
  id: string,
  head: string[],
  rows: Cell[][],
  box = $<HTMLElement>(`[data-table="${id}"]`),
): void {
  if (!rows.length) {
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = t('no_data');
    box.replaceChildren(p);
    return;
  }
  const tbl = document.createElement('table');
  const tr = document.createElement('tr');
  for (const h of head) {
    const th = document.createElement('th');
    th.textContent = h;
    tr.append(th);
  }
  tbl.append(tr);
  for (const r of rows) {
    const row = document.createElement('tr');
    for (const v of r) {
      const td = document.createElement('td');
      if (v instanceof HTMLElement) {
        td.className = 'label';
        td.append(v);
      } else td.textContent = String(v);
      if (typeof v === 'number') td.className = 'n';
      row.append(td);
    }
    tbl.append(row);
  }
  box.replaceChildren(tbl);
}

export const el = (tag: string, text = '', className = ''): HTMLElement => {
  const e = document.createElement(tag);
  if (text) e.textContent = text;
  if (className) e.className = className;
  return e;
};
