// The chat panel, loaded on the first click of the launcher (widget/src/launcher.ts).
import { type Mount, NAMESPACE, type PanelApi } from '../shared.js';
import { Connection, type ConnectionState, type Reply, type ServerMessage } from './connection.js';
import { type Lang, WORDS, type Words } from './i18n.js';
import { icon } from './icons.js';
import { renderMarkdown } from './markdown.js';
import { css } from './styles.js';

interface Pending {
  clientId: string;
  text?: string;
  action?: string;
  label: string;
  at: string;
  failed?: boolean;
}

const STORE = 'refund-assistant';

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function time(at: string, lang: Lang): string {
  return new Date(at).toLocaleTimeString(lang === 'en' ? 'en-GB' : 'zh-CN', {
    hour: '2-digit',
    minute: '2-digit',
  });
}

function newId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/**
 * 👍/👎 belong under answers: an article answer or a status card, not a question, a clarification
 * or a notice (those are followed by the next step, not rated).
 */
function isAnswer(msg: ServerMessage): boolean {
  return msg.replies?.some((r) => r.type === 'article' || r.type === 'card') === true;
}

function mount(m: Mount): PanelApi {
  const { root, options } = m;
  let lang: Lang = options.locale ?? 'zh';
  let words: Words = WORDS[lang];
  const key = `${STORE}:${options.server}`;
  const saved = (() => {
    try {
      return JSON.parse(localStorage.getItem(key) ?? '{}') as { conversationId?: string };
    } catch {
      return {};
    }
  })();
  const state: ConnectionState = {
    conversationId: saved.conversationId ?? null,
    lastSeen: 0,
    locale: lang,
    token: options.token,
  };
  const persist = () => {
    try {
      localStorage.setItem(key, JSON.stringify({ conversationId: state.conversationId }));
    } catch {
      // private mode: the conversation lasts as long as the page
    }
  };

  const style = el('style');
  style.textContent = css(options.color ?? '#0958d9', options.position === 'left' ? 'left' : 'right');
  const panel = el('div', {
    class: 'panel',
    role: 'dialog',
    'aria-modal': 'false',
    'aria-labelledby': 'ra-title',
  });
  panel.hidden = true;
  const header = el('header');
  const title = el('h2', { id: 'ra-title' });
  const mode = el('span', { class: 'mode' });
  mode.hidden = true;
  const close = el('button', { class: 'close', type: 'button' }, '×');
  header.append(title, mode, close);
  const banner = el('div', { class: 'banner', role: 'status' });
  banner.hidden = true;
  const log = el('div', {
    class: 'log',
    role: 'log',
    'aria-live': 'polite',
    'aria-relevant': 'additions',
    tabindex: '0',
  });
  const typing = el('div', { class: 'typing', 'aria-hidden': 'true' });
  typing.hidden = true;
  const form = el('form');
  const label = el('label', { for: 'ra-input', class: 'sr' });
  const input = el('textarea', { id: 'ra-input', rows: '1', maxlength: '2000', autocomplete: 'off' });
  const fileInput = el('input', {
    type: 'file',
    accept: 'image/jpeg,image/png,image/webp,image/heic,application/pdf',
    class: 'sr',
    tabindex: '-1',
  });
  const attach = el('button', { type: 'button', class: 'attach' });
  attach.append(icon('clip'));
  const send = el('button', { type: 'submit', class: 'send' });
  form.append(label, attach, fileInput, input, send);
  panel.append(header, banner, log, typing, form);
  root.append(style, panel);

  const applyWords = () => {
    words = WORDS[lang];
    title.textContent = options.title ?? words.title;
    mode.textContent = words.merchant;
    close.setAttribute('aria-label', words.close);
    label.textContent = words.input;
    input.placeholder = words.placeholder;
    send.textContent = words.send;
    attach.setAttribute('aria-label', words.upload);
    attach.title = words.upload;
    typing.textContent = words.typing;
    banner.textContent = words.offline;
  };
  applyWords();

  // ---- the opening ----
  const welcome: Partial<Record<Lang, Reply[]>> = {};
  // per tab (sessionStorage): the next page shows the opening at once; localStorage is the
  // conversation's alone
  const welcomeKey = (l: Lang) => `refund-assistant-welcome:${options.server}:${l}`;
  const loadWelcome = async (l: Lang) => {
    try {
      welcome[l] ??= JSON.parse(sessionStorage.getItem(welcomeKey(l)) ?? 'null') ?? undefined;
    } catch {
      // nothing kept: wait for the server
    }
    if (welcome[l]) draw();
    const res = await fetch(`${options.server}/api/welcome?locale=${l}`).catch(() => undefined);
    const body = (await res?.json().catch(() => undefined)) as { replies?: Reply[] } | undefined;
    if (!res?.ok || !body?.replies) return;
    welcome[l] = body.replies;
    try {
      sessionStorage.setItem(welcomeKey(l), JSON.stringify(body.replies));
    } catch {
      // private mode: fetched again next time
    }
    draw();
  };

  // ---- messages ----
  const seen = new Map<number, ServerMessage>();
  const pending: Pending[] = [];
  /** Notes from the widget itself (a refused token, a refused upload), shown after the messages. */
  const notes: string[] = [];
  let unread = 0;
  let isOpen = false;

  const who = (msg: ServerMessage) =>
    msg.from === 'user'
      ? words.you
      : msg.from === 'agent'
        ? (msg.author ?? words.agent)
        : msg.from === 'bot'
          ? words.bot
          : '';

  const renderReply = (r: Reply, box: HTMLElement, latest: boolean) => {
    if (r.type === 'text') {
      const b = el('div', { class: 'bubble' });
      b.append(renderMarkdown(r.text));
      box.append(b);
    } else if (r.type === 'choices') {
      if (!latest) return; // old buttons would be stale
      const row = el('div', { class: 'choices', role: 'group' });
      for (const c of r.choices) {
        const b = el('button', { type: 'button' }, c.label);
        b.addEventListener('click', () => submit({ action: c.action, label: c.label }));
        row.append(b);
      }
      box.append(row);
    } else if (r.type === 'card') {
      const card = el('section', { class: 'card' });
      card.append(el('h3', {}, r.title));
      const dl = el('dl');
      for (const f of r.fields) dl.append(el('dt', {}, f.label), el('dd', {}, f.value));
      card.append(dl);
      box.append(card);
    } else if (r.type === 'article') {
      // the whole card is the link; an answer's card has no snippet (its bubble has the text)
      const a = el('a', {
        class: 'article',
        href: new URL(r.url, options.server).href,
        target: '_blank',
        rel: 'noopener noreferrer',
      });
      a.append(el('strong', {}, r.title));
      if (r.snippet) a.append(el('span', { class: 'snippet' }, r.snippet));
      a.append(el('span', { class: 'more' }, words.readMore));
      box.append(a);
    }
  };

  const rateButtons = (msg: ServerMessage) => {
    const row = el('div', { class: 'rate' });
    for (const [value, text] of [
      ['up', words.helpful],
      ['down', words.notHelpful],
    ] as const) {
      const b = el('button', {
        type: 'button',
        'aria-label': text,
        title: text,
        'aria-pressed': String(msg.feedback === value),
      });
      b.append(icon(value));
      b.addEventListener('click', () => {
        msg.feedback = value;
        connection.feedback(msg.id, value);
        for (const other of row.querySelectorAll('button'))
          other.setAttribute('aria-pressed', String(other === b));
      });
      row.append(b);
    }
    return row;
  };

  /**
   * The conversation's opening, drawn by the widget (it is not a numbered message): the greeting
   * and, while nothing has been said yet, the main topics as buttons. Both come from the server
   * (GET /api/welcome), kept per language so the next page shows them at once; the widget's own
   * greeting only until the first answer, or if the server cannot be reached.
   */
  const opening = (fresh: boolean) => {
    const hello = el('div', { class: 'msg bot opening' });
    const replies = welcome[lang];
    const greeting = replies?.find((r) => r.type === 'text');
    const b = el('div', { class: 'bubble' });
    b.append(
      renderMarkdown(options.greeting ?? (greeting?.type === 'text' ? greeting.text : words.greeting)),
    );
    hello.append(b);
    for (const r of replies ?? []) if (r.type === 'choices' && fresh) renderReply(r, hello, true);
    return hello;
  };

  // The server names a pressed button by what it offered; the opening's topics it did not offer
  // in this conversation (they came from /api/welcome), so it echoes their action: show the label.
  const pressedLabel = (msg: ServerMessage) => {
    if (!msg.action || (msg.label && msg.label !== msg.action)) return msg.label;
    for (const r of Object.values(welcome).flat())
      if (r?.type === 'choices') {
        const c = r.choices.find((x) => x.action === msg.action);
        if (c) return c.label;
      }
    return msg.label;
  };

  const draw = () => {
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    log.replaceChildren();
    const all = [...seen.values()].sort((a, b) => a.id - b.id);
    log.append(opening(all.length === 0 && pending.length === 0));
    const lastBot = [...all].reverse().find((x) => x.from !== 'user');
    for (const msg of all) {
      const box = el('div', { class: `msg ${msg.from}`, 'data-id': String(msg.id) });
      const meta = el('div', { class: 'meta' });
      meta.append(
        el('span', { class: 'who' }, who(msg)),
        el('time', { datetime: msg.at, title: new Date(msg.at).toLocaleString() }, time(msg.at, lang)),
      );
      if (msg.from !== 'system') box.append(meta);
      if (msg.from === 'user') {
        const b = el('div', { class: 'bubble' });
        if (msg.attachment) b.append(icon('clip'), ` ${msg.attachment.name}`);
        else b.textContent = pressedLabel(msg) ?? msg.text ?? '';
        box.append(b);
      } else {
        if (msg.text) {
          const b = el('div', { class: 'bubble' });
          b.append(renderMarkdown(msg.text));
          box.append(b);
        }
        // the rating belongs to the answer itself, before the buttons that lead on from it
        const replies = msg.replies ?? [];
        for (const r of replies) if (r.type !== 'choices') renderReply(r, box, msg === lastBot);
        if (msg.from === 'bot' && isAnswer(msg)) box.append(rateButtons(msg));
        for (const r of replies) if (r.type === 'choices') renderReply(r, box, msg === lastBot);
      }
      log.append(box);
    }
    for (const p of pending) {
      const box = el('div', { class: `msg user pending${p.failed ? ' failed' : ''}` });
      const meta = el(
        'div',
        { class: 'meta' },
        p.failed ? words.failed : navigator.onLine === false ? words.queued : words.sending,
      );
      const b = el('div', { class: 'bubble' }, p.label);
      box.append(meta, b);
      if (p.failed) {
        box.tabIndex = 0;
        box.setAttribute('role', 'button');
        box.addEventListener('click', () => {
          p.failed = false;
          connection.send({
            clientId: p.clientId,
            ...(p.action ? { action: p.action } : { text: p.text ?? '' }),
          });
          draw();
        });
      }
      log.append(box);
    }
    for (const text of notes) {
      const box = el('div', { class: 'msg system' });
      box.append(el('div', { class: 'bubble', role: 'status' }, text));
      log.append(box);
    }
    const first = scrollTo !== undefined ? log.querySelector(`[data-id="${scrollTo}"]`) : null;
    scrollTo = undefined;
    // a long answer is read from its start; otherwise stay at the bottom
    if (first) first.scrollIntoView({ block: 'nearest' });
    if (first && first.getBoundingClientRect().height > log.clientHeight)
      first.scrollIntoView({ block: 'start' });
    else if (atBottom || pending.length || notes.length) log.scrollTop = log.scrollHeight;
  };
  let scrollTo: number | undefined;

  const note = (text: string) => {
    notes.push(text);
    draw();
  };

  const receive = (messages: ServerMessage[]) => {
    let fresh = 0;
    for (const msg of messages) {
      if (seen.has(msg.id)) continue;
      seen.set(msg.id, msg);
      state.lastSeen = Math.max(state.lastSeen, msg.id);
      if (msg.clientId) {
        const i = pending.findIndex((p) => p.clientId === msg.clientId);
        if (i >= 0) pending.splice(i, 1);
      }
      if (msg.from !== 'user') {
        fresh++;
        scrollTo ??= msg.id;
      }
    }
    if (fresh) {
      typing.hidden = true;
      if (!isOpen) {
        unread += fresh;
        m.onUnread(unread);
      }
    }
    draw();
  };

  const connection = new Connection(options.server, state, {
    welcome(conversationId, messages, modeName) {
      if (conversationId && conversationId !== state.conversationId) {
        state.conversationId = conversationId;
        persist();
      }
      if (!conversationId && state.conversationId) {
        // the server no longer knows it (expired): start afresh
        state.conversationId = null;
        seen.clear();
        persist();
      }
      mode.hidden = modeName !== 'merchant';
      receive(messages);
    },
    messages: receive,
    acked(_clientId, conversationId) {
      // the turn is over; while agents own the conversation it ends without a bot message
      typing.hidden = true;
      if (state.conversationId !== conversationId) {
        state.conversationId = conversationId;
        persist();
      }
    },
    typing() {
      typing.hidden = false;
    },
    notice(text) {
      mode.hidden = true;
      note(text);
    },
    failed(clientId) {
      const p = pending.find((x) => x.clientId === clientId);
      if (p) p.failed = true;
      typing.hidden = true;
      draw();
    },
    status(online) {
      banner.hidden = online;
    },
  });

  const submit = (what: { text?: string; action?: string; label?: string }) => {
    const text = what.text?.trim();
    if (!text && !what.action) return;
    const p: Pending = {
      clientId: newId(),
      ...(text && { text }),
      ...(what.action && { action: what.action }),
      label: what.label ?? text ?? '',
      at: new Date().toISOString(),
    };
    pending.push(p);
    draw();
    connection.send({ clientId: p.clientId, ...(p.action ? { action: p.action } : { text: p.text ?? '' }) });
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit({ text: input.value });
    input.value = '';
    input.style.height = '';
    input.focus();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener('input', () => {
    input.style.height = '';
    input.style.height = `${Math.min(input.scrollHeight, 120)}px`;
  });
  attach.addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (!file) return;
    const body = new FormData();
    if (state.conversationId) body.append('conversationId', state.conversationId);
    body.append('locale', lang);
    body.append('file', file, file.name);
    const res = await fetch(`${options.server}/api/upload`, { method: 'POST', body }).catch(() => undefined);
    const json = (await res?.json().catch(() => ({}))) as {
      conversationId?: string;
      messages?: ServerMessage[];
      error?: { message: string };
    };
    if (res?.ok && json.conversationId) {
      if (!state.conversationId) {
        state.conversationId = json.conversationId;
        persist();
        connection.reconnect(); // follow the new conversation
      }
      receive(json.messages ?? []);
    } else {
      note(json.error?.message ?? words.failed);
    }
  });

  const openPanel = () => {
    if (isOpen) return;
    isOpen = true;
    panel.hidden = false;
    m.onOpenChange(true);
    unread = 0;
    m.onUnread(0);
    draw();
    input.focus();
  };
  const closePanel = () => {
    if (!isOpen) return;
    isOpen = false;
    panel.hidden = true;
    m.onOpenChange(false);
    m.launcher.focus();
  };
  close.addEventListener('click', closePanel);
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') closePanel();
  });
  // on a phone, keep the input above the on-screen keyboard
  window.visualViewport?.addEventListener('resize', () => {
    if (window.innerWidth < 480 && window.visualViewport)
      panel.style.height = `${window.visualViewport.height}px`;
  });
  window.addEventListener('online', () => connection.reconnect());

  connection.start();
  void loadWelcome(lang);
  return {
    open: openPanel,
    close: closePanel,
    setLocale(next) {
      lang = next === 'en' ? 'en' : 'zh';
      state.locale = lang;
      applyWords();
      draw();
      if (!welcome[lang]) void loadWelcome(lang);
    },
    identify(token) {
      state.token = token;
      connection.reconnect();
    },
    ask(text) {
      openPanel();
      submit({ text });
    },
  };
}

window[NAMESPACE] = Object.assign(window[NAMESPACE] ?? {}, {
  _mount: mount,
}) as typeof window.RefundAssistant;
