import type { types } from '@slack/bolt';
import type {
  DayCounts,
  HandoffSummary,
  OpenHandoff,
  Suggestion,
  TicketNotice,
} from '../../../bot/handoff/index.js';
import type { Attachment, ChatMessage } from '../../../contracts/messages.js';
import type { ArticleReply, CardReply, Reply } from '../../../contracts/replies.js';
import { formatYuan } from '../../../knowledge/index.js';
import { clip, escapeMrkdwn, toMrkdwn } from './mrkdwn.js';
import type { Words } from './words.js';

type Block = types.KnownBlock;

/** Action ids: what Slack sends back when a button is pressed. */
export const ACTIONS = {
  claim: 'handoff_claim',
  resolve: 'handoff_resolve',
  lookUp: 'handoff_lookup',
  send: 'handoff_send_suggestion',
  share: 'status_share',
  post: 'kb_post',
} as const;

// verbatim: Slack links nothing by itself — a bare https://… a user typed (a contact, a question)
// stays text in our cards; the links we mean are written <url|label> and stay links
export const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text: clip(text), verbatim: true });
export const plain = (text: string, max = 150) => ({
  type: 'plain_text' as const,
  text: clip(text, max),
  emoji: true,
});
const section = (text: string): Block => ({ type: 'section', text: mrkdwn(text) });
const context = (text: string): Block => ({ type: 'context', elements: [mrkdwn(text)] });

function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): types.Button {
  return { type: 'button', text: plain(text), action_id: actionId, value, ...(style && { style }) };
}

/** A status card: its title, then its fields two by two (a section holds at most ten). */
export function cardBlocks(card: CardReply): Block[] {
  const blocks: Block[] = [{ type: 'header', text: plain(card.title) }];
  for (let i = 0; i < card.fields.length; i += 10) {
    blocks.push({
      type: 'section',
      fields: card.fields
        .slice(i, i + 10)
        .map((f) => mrkdwn(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`)),
    });
  }
  return blocks;
}

/** An article: its title (linked when the link is absolute) and its snippet. */
export function articleBlock(a: Pick<ArticleReply, 'title' | 'snippet' | 'url'>): types.SectionBlock {
  const title = a.url.startsWith('http') ? `<${a.url}|${escapeMrkdwn(a.title)}>` : escapeMrkdwn(a.title);
  return { type: 'section', text: mrkdwn(`*${title}*\n${escapeMrkdwn(a.snippet)}`) };
}

/** The bot's channel-neutral replies as Block Kit; buttons meant for the widget are left out. */
export function replyBlocks(replies: readonly Reply[]): Block[] {
  return replies.flatMap((r): Block[] => {
    switch (r.type) {
      case 'text':
        return [section(toMrkdwn(r.text))];
      case 'card':
        return cardBlocks(r);
      case 'article':
        return [articleBlock(r)];
      default:
        return [];
    }
  });
}

/** Plain text for notifications and screen readers, next to the blocks. */
export function replyText(replies: readonly Reply[]): string {
  const first = replies.find((r) => r.type === 'text' || r.type === 'card');
  if (!first) return '';
  return clip(first.type === 'text' ? first.text : first.title, 300);
}

/** "Shared by @someone" under a message an agent put in the channel. */
export function sharedBy(user: string, w: Words): Block {
  return context(w('sharedBy', { user }));
}

/** `/refund`'s answer: the card and a button to share it with the channel. */
export function statusBlocks(card: CardReply, reference: string, w: Words, shareable = true): Block[] {
  return [
    ...cardBlocks(card),
    ...(shareable
      ? [{ type: 'actions', elements: [button(w('share'), ACTIONS.share, reference)] } satisfies Block]
      : []),
  ];
}

export interface KbHit {
  id: string;
  lang: string;
  title: string;
  snippet: string;
  url: string;
}

/** `/kb`'s answer: the best articles, each with a button that posts it for everyone. */
export function kbBlocks(query: string, hits: readonly KbHit[], w: Words): Block[] {
  return [
    context(w('kbTitle', { query: escapeMrkdwn(query.slice(0, 200)) })),
    ...hits.map(
      (h): Block => ({
        ...articleBlock(h),
        accessory: button(w('postToChannel'), ACTIONS.post, `${h.lang}:${h.id}`),
      }),
    ),
  ];
}

export type TicketState =
  | { kind: 'waiting' }
  | { kind: 'claimed'; agent: string }
  | { kind: 'resolved'; agent: string }
  | { kind: 'user_left' }
  | { kind: 'unclaimed'; minutes: number };

export function stateLine(state: TicketState, w: Words): string {
  switch (state.kind) {
    case 'waiting':
      return `⏳ ${w('waiting')}`;
    case 'claimed':
      return `🙋 ${w('claimedBy', { agent: state.agent })}`;
    case 'resolved':
      return `✅ ${w('resolvedBy', { agent: state.agent })}`;
    case 'user_left':
      return `↩️ ${w('userLeft')}`;
    case 'unclaimed':
      return `⌛ ${w('unclaimed', { minutes: state.minutes })}`;
  }
}

function givenLine(given: HandoffSummary['given']): string {
  return Object.entries(given)
    .map(([k, v]) => {
      const value = typeof v === 'number' && /amount/.test(k) ? formatYuan(v) : String(v);
      return `${k}: ${escapeMrkdwn(value)}`;
    })
    .join(' · ');
}

/** The thread's first message: why, who, what they gave, what the acquirer said, and the buttons. */
export function handoffBlocks(s: HandoffSummary, state: TicketState, w: Words): Block[] {
  const open = state.kind === 'waiting' || state.kind === 'claimed' || state.kind === 'unclaimed';
  const buttons: types.Button[] = open
    ? [
        ...(state.kind === 'claimed' ? [] : [button(w('claim'), ACTIONS.claim, s.conversationId, 'primary')]),
        button(w('resolve'), ACTIONS.resolve, s.conversationId),
        ...(s.reference ? [button(w('lookUp'), ACTIONS.lookUp, s.conversationId)] : []),
      ]
    : [];
  const given = givenLine(s.given);
  return [
    { type: 'header', text: plain(`🆘 ${w('handoffTitle')} · ${s.intent?.title ?? s.reason}`) },
    section(stateLine(state, w)),
    {
      type: 'section',
      fields: [
        mrkdwn(`*${w('reason')}*\n${escapeMrkdwn(s.reason)}`),
        mrkdwn(`*${w('channel')}*\n${escapeMrkdwn(s.channel)} · ${s.lang}`),
        mrkdwn(`*${w('merchant')}*\n${s.merchantNo ? escapeMrkdwn(s.merchantNo) : w('consumer')}`),
        ...(s.reference ? [mrkdwn(`*${w('reference')}*\n${escapeMrkdwn(s.reference)}`)] : []),
      ],
    },
    ...(given ? [section(`*${w('given')}*\n${given}`)] : []),
    ...(s.status
      ? [
          section(
            `*${w('status')}: ${escapeMrkdwn(s.status.title)}*\n${s.status.fields
              .map((f) => `${escapeMrkdwn(f.label)}: ${escapeMrkdwn(f.value)}`)
              .join('\n')}`,
          ),
        ]
      : []),
    context(w('noteHint')),
    ...(buttons.length ? [{ type: 'actions', block_id: 'handoff', elements: buttons } satisfies Block] : []),
  ];
}

/** A message left for a person, in the support channel: who to call back (masked), about what. */
export function ticketBlocks(t: TicketNotice, w: Words): Block[] {
  const s = t.summary;
  const given = givenLine(s.given);
  const lines = t.summary.transcript.map((m) => `${m.from}: ${escapeMrkdwn(m.text)}`);
  return [
    { type: 'header', text: plain(`🎫 ${w('ticketTitle')} ${t.number} · ${s.intent?.title ?? s.reason}`) },
    {
      type: 'section',
      fields: [
        mrkdwn(`*${w('contact')}*\n${escapeMrkdwn(t.contact)}`),
        mrkdwn(`*${w('channel')}*\n${escapeMrkdwn(t.channel)} · ${t.lang}`),
        mrkdwn(`*${w('reason')}*\n${escapeMrkdwn(s.reason)}`),
        mrkdwn(`*${w('merchant')}*\n${s.merchantNo ? escapeMrkdwn(s.merchantNo) : w('consumer')}`),
        ...(s.reference ? [mrkdwn(`*${w('reference')}*\n${escapeMrkdwn(s.reference)}`)] : []),
      ],
    },
    ...(t.message ? [section(`*${w('ticketMessage')}*\n${escapeMrkdwn(t.message)}`)] : []),
    ...(given ? [section(`*${w('given')}*\n${given}`)] : []),
    ...(lines.length ? [context(w('transcript')), section(clip(lines.join('\n')))] : []),
    context(w('ticketHint', { number: t.number })),
  ];
}

export type FileLink = (a: Attachment) => string | undefined;

/** One message of the conversation as a line in the thread. */
export function messageLine(m: ChatMessage, w: Words, link: FileLink): string {
  const who =
    m.from === 'user'
      ? w('user')
      : m.from === 'agent'
        ? (m.author ?? w('agent'))
        : m.from === 'bot'
          ? w('bot')
          : w('system');
  const icon = m.from === 'user' ? '👤' : m.from === 'agent' ? '🧑‍💼' : m.from === 'bot' ? '🤖' : 'ℹ️';
  let body: string;
  if (m.attachment) {
    const url = link(m.attachment);
    const name = escapeMrkdwn(m.attachment.name);
    const size = `${Math.max(1, Math.round(m.attachment.size / 1024))} KB`;
    body = `📎 ${w('file')}: ${url ? `<${url}|${name}>` : `${name} ${w('linkMissing')}`} (${m.attachment.type}, ${size})`;
  } else if (m.text !== undefined) body = escapeMrkdwn(m.text);
  else if (m.label !== undefined) body = `[${escapeMrkdwn(m.label)}]`;
  else {
    const r = m.replies ?? [];
    const first = r.find((x) => x.type === 'text' || x.type === 'card' || x.type === 'article');
    body =
      first?.type === 'text'
        ? toMrkdwn(clip(first.text, 300))
        : first?.type === 'card' || first?.type === 'article'
          ? `[${escapeMrkdwn(first.title)}]`
          : '';
  }
  return `${icon} *${escapeMrkdwn(who)}*  ${body}`;
}

export function transcriptBlocks(messages: readonly ChatMessage[], w: Words, link: FileLink): Block[] {
  const lines = messages.map((m) => messageLine(m, w, link));
  return [context(w('transcript')), section(clip(lines.join('\n')))];
}

/** The bot's suggestion for the user's latest message, for agents, with a button to send it. */
export function suggestionBlocks(conversationId: string, s: Suggestion, w: Words): Block[] {
  return [
    context(`💡 ${w('suggestion')}`),
    {
      type: 'section',
      text: mrkdwn(`*${escapeMrkdwn(s.title)}*\n${toMrkdwn(clip(s.text, 600))}`),
      accessory: button(w('send'), ACTIONS.send, `${conversationId}|${s.articleId}`),
    },
  ];
}

/** App Home: what is waiting, who has what, and today's counts. */
export function homeView(
  open: readonly OpenHandoff[],
  counts: DayCounts,
  w: Words,
  now: Date,
): types.HomeView {
  const rows = [...open]
    .sort((a, b) => a.openedAt.localeCompare(b.openedAt))
    .slice(0, 40)
    .map((h): Block => {
      const minutes = Math.max(0, Math.round((now.getTime() - Date.parse(h.openedAt)) / 60_000));
      const who =
        h.status === 'claimed' && h.agent
          ? w('homeClaimed', { agent: h.agent.name })
          : `⏳ ${w('homeWaiting')}`;
      return section(
        `*${escapeMrkdwn(h.reason)}* · ${who} · ${w('homeSince', { minutes })} · ${h.channel} · ${h.lang}`,
      );
    });
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: plain(w('homeTitle')) },
      context(w('homeToday', counts)),
      { type: 'divider' },
      section(`*${w('homeOpen')}* (${open.length})`),
      ...(rows.length ? rows : [section(w('homeNone'))]),
    ],
  };
}
