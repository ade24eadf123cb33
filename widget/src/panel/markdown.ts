// The assistant's replies use a small Markdown subset: **bold**, numbered and bulleted lines, links
// [text](https://…). They become DOM nodes here, never HTML strings: nothing anyone writes can turn
// into markup.

function inline(text: string, into: HTMLElement): void {
  const re = /\*\*(.+?)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) into.append(text.slice(last, m.index));
    if (m[1] !== undefined) {
      const b = document.createElement('strong');
      b.textContent = m[1];
      into.append(b);
    } else {
      const href = m[3] ?? '';
      if (/^(https?:\/\/|\/(?!\/))/i.test(href)) {
        const a = document.createElement('a');
        a.textContent = m[2] ?? href;
        a.href = href;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        into.append(a);
      } else {
        into.append(m[0]);
      }
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) into.append(text.slice(last));
}

export function renderMarkdown(text: string): DocumentFragment {
  const out = document.createDocumentFragment();
  let list: HTMLElement | undefined;
  for (const line of text.split('\n')) {
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*•]\s+(.*)$/.exec(line);
    const item = numbered ?? bullet;
    if (item) {
      const tag = numbered ? 'OL' : 'UL';
      if (!list || list.tagName !== tag) {
        list = document.createElement(tag.toLowerCase());
        out.append(list);
      }
      const li = document.createElement('li');
      inline(item[1] ?? '', li);
      list.append(li);
      continue;
    }
    list = undefined;
    if (line.trim() === '') continue;
    const p = document.createElement('p');
    inline(line, p);
    out.append(p);
  }
  return out;
}
