import type { Reply } from '../../contracts/replies.js';

/** Replies as a person reads them in a terminal. */
export function renderReplies(replies: readonly Reply[], color = false): string {
  const bold = (s: string) =>
    color ? s.replace(/\*\*(.+?)\*\*/g, '\x1b[1m$1\x1b[22m') : s.replace(/\*\*(.+?)\*\*/g, '$1');
  const out: string[] = [];
  for (const r of replies) {
    switch (r.type) {
      case 'text':
        out.push(bold(r.text));
        break;
      case 'choices':
        out.push(r.choices.map((c, i) => `  [${i + 1}] ${c.label}  (${c.action})`).join('\n'));
        break;
      case 'card':
        out.push([`┌ ${r.title}`, ...r.fields.map((f) => `│ ${f.label}: ${f.value}`), '└'].join('\n'));
        break;
      case 'article':
        out.push(`» ${r.title}\n  ${bold(r.snippet)}\n  ${r.url}`);
        break;
    }
  }
  return out.join('\n\n');
}
