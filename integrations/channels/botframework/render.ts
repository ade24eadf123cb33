import type { ChatMessage } from '../../../contracts/messages.js';
import type { Reply } from '../../../contracts/replies.js';
import type { Lang } from '../../../knowledge/index.js';

/** An outgoing activity as plain data; the adapter makes SDK Activities of them. */
export interface OutgoingActivity {
  type: 'message' | 'typing';
  text?: string;
  textFormat?: 'markdown' | 'plain';
  locale?: string;
  attachments?: Array<{ contentType: string; content: unknown }>;
  suggestedActions?: { actions: Array<Record<string, unknown>>; to: string[] };
}

export interface RenderOptions {
  lang: Lang;
  /** The activity's channel (msteams, webchat, directline, emulator, sms, …). */
  channelId: string;
  readMore: string;
  /** How an agent's reply starts: "**小王**：". */
  agentSays(name: string): string;
}

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
// channels that show no cards: they get the text version
const TEXT_ONLY = new Set(['sms', 'email', 'telegram', 'line']);
const LOCALE: Record<Lang, string> = { zh: 'zh-CN', en: 'en-US' };

function messageIn(lang: Lang, a: Omit<OutgoingActivity, 'type'>): OutgoingActivity {
  return { type: 'message', locale: LOCALE[lang], ...a };
}

function adaptiveCard(body: unknown[], fallbackText: string, actions: unknown[] = []) {
  return {
    contentType: ADAPTIVE,
    content: {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.4',
      body,
      ...(actions.length && { actions }),
      fallbackText,
    },
  };
}

/**
 * The core's channel-neutral replies as Bot Framework activities: text as Markdown; status cards
 * and articles as Adaptive Cards with a plain-text fallback; choices as suggested actions that post
 * their action back (messageBack) — and, in Teams, where suggested actions are limited, as a card of
 * Action.Submit buttons.
 */
export function renderReplies(replies: readonly Reply[], o: RenderOptions): OutgoingActivity[] {
  const out: OutgoingActivity[] = [];
  const cards = !TEXT_ONLY.has(o.channelId);
  const message = (a: Omit<OutgoingActivity, 'type'>) => messageIn(o.lang, a);
  for (const r of replies) {
    switch (r.type) {
      case 'text':
        out.push(message({ text: r.text, textFormat: 'markdown' }));
        break;
      case 'card': {
        const plain = [r.title, ...r.fields.map((f) => `${f.label}: ${f.value}`)].join('\n');
        out.push(
          cards
            ? message({
                attachments: [
                  adaptiveCard(
                    [
                      { type: 'TextBlock', text: r.title, weight: 'Bolder', size: 'Medium', wrap: true },
                      { type: 'FactSet', facts: r.fields.map((f) => ({ title: f.label, value: f.value })) },
                    ],
                    plain,
                  ),
                ],
              })
            : message({ text: plain, textFormat: 'plain' }),
        );
        break;
      }
      case 'article': {
        const absolute = /^https?:\/\//.test(r.url);
        const plain = `${r.title}\n${r.snippet}${absolute ? `\n${r.url}` : ''}`;
        out.push(
          cards
            ? message({
                attachments: [
                  adaptiveCard(
                    [
                      { type: 'TextBlock', text: r.title, weight: 'Bolder', wrap: true },
                      { type: 'TextBlock', text: r.snippet, wrap: true, isSubtle: true },
                    ],
                    plain,
                    absolute ? [{ type: 'Action.OpenUrl', title: o.readMore, url: r.url }] : [],
                  ),
                ],
              })
            : message({ text: plain, textFormat: 'plain' }),
        );
        break;
      }
      case 'choices': {
        if (!r.choices.length) break;
        if (o.channelId === 'msteams') {
          out.push(
            message({
              attachments: [
                adaptiveCard(
                  [],
                  r.choices.map((c) => c.label).join(' / '),
                  r.choices.map((c) => ({
                    type: 'Action.Submit',
                    title: c.label,
                    data: { action: c.action },
                  })),
                ),
              ],
            }),
          );
          break;
        }
        const actions = r.choices.map((c) => ({
          type: 'messageBack',
          title: c.label,
          text: c.label,
          displayText: c.label,
          value: { action: c.action },
        }));
        const last = out.at(-1);
        // suggested actions ride on the last message; text-only channels list the options instead
        if (!cards)
          out.push(message({ text: r.choices.map((c) => `· ${c.label}`).join('\n'), textFormat: 'plain' }));
        else if (last && !last.suggestedActions) last.suggestedActions = { actions, to: [] };
        else out.push(message({ text: '', suggestedActions: { actions, to: [] } }));
        break;
      }
    }
  }
  return out;
}

/** A message from the conversation (an agent's reply, a notice) for a user without a socket. */
export function renderPushed(m: ChatMessage, o: RenderOptions): OutgoingActivity[] {
  if (m.from === 'user') return [];
  if (m.from === 'system') return [messageIn(o.lang, { text: `_${m.text ?? ''}_`, textFormat: 'markdown' })];
  const replies: Reply[] = [
    ...(m.text !== undefined ? [{ type: 'text' as const, text: m.text }] : []),
    ...(m.replies ?? []),
  ];
  const activities = renderReplies(replies, o);
  const first = activities[0];
  if (m.from === 'agent' && first?.text !== undefined)
    first.text = `${o.agentSays(m.author ?? '')}${first.text}`;
  else if (m.from === 'agent' && m.author)
    activities.unshift(messageIn(o.lang, { text: o.agentSays(m.author), textFormat: 'markdown' }));
  return activities;
}
