/// <reference lib="dom" />
// What every part of the /insights page shares: its words, its language, the filter, the data API.
import type { STRINGS } from '../strings.js';

type Strings = (typeof STRINGS)['zh'];
type Key = keyof Strings;

const s = JSON.parse(document.getElementById('strings')?.textContent ?? '{}') as Strings;
export const lang = document.documentElement.lang.startsWith('zh') ? 'zh' : 'en';
export const locale = lang === 'zh' ? 'ZH' : 'EN';
export const t = (k: Key | string): string => (s as Record<string, string>)[k] ?? k;

export const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;
export const form = $<HTMLFormElement>('#filter');
export const from = $<HTMLInputElement>('#from');
export const to = $<HTMLInputElement>('#to');
export const channel = $<HTMLSelectElement>('#channel');

export function query(): string {
  const q = new URLSearchParams({ lang });
  if (from.value) q.set('from', from.value);
  if (to.value) q.set('to', to.value);
  if (channel.value) q.set('channel', channel.value);
  return q.toString();
}

export async function api<T>(name: string): Promise<T> {
  const res = await fetch(`/insights/api/${name}?${query()}`, { credentials: 'same-origin' });
  if (res.status === 401) {
    location.href = `/insights/login?lang=${lang}`;
    throw new Error('signed out');
  }
  if (!res.ok) throw new Error(`${name}: ${res.status}`);
  return (await res.json()) as T;
}

/** An instant as a lead in China reads it: YYYY-MM-DD HH:MM, China time (the events are UTC). */
const CHINA = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
export const when = (iso: string): string => CHINA.format(new Date(iso));
