import type { FastifyInstance } from 'fastify';
import type { Reply } from '../../contracts/replies.js';

export interface Turn {
  status: number;
  replies: Reply[];
  /** All text the user sees in this turn, one string: texts, card fields, article titles, buttons. */
  said: string;
  buttons: Array<{ label: string; action: string }>;
  articles: string[];
}

function visible(r: Reply): string {
  if (r.type === 'text') return r.text;
  if (r.type === 'choices') return r.choices.map((c) => `[${c.label}]`).join(' ');
  if (r.type === 'card') return [r.title, ...r.fields.map((f) => `${f.label}: ${f.value}`)].join('\n');
  return `${r.title} — ${r.snippet}`;
}

export function flatten(replies: Reply[]): string {
  return replies.map(visible).join('\n');
}

/**
 * One user talking to the assistant over POST /api/chat, so a test reads like a transcript:
 *   const t = await user.says('退款多久到账');  expect(t.said).toContain('工作日');
 */
export class ChatUser {
  conversationId: string | undefined;

  constructor(
    private readonly server: FastifyInstance,
    private readonly locale?: string,
    /** Extra request headers: a trusted caller's token and merchant number, a client address. */
    private readonly headers: Record<string, string> = {},
  ) {}

  says(text: string): Promise<Turn> {
    return this.send({ text });
  }

  /** Presses the button whose label contains `label` in the last turn. */
  presses(turn: Turn, label: string): Promise<Turn> {
    return this.send({ action: buttonFor(turn, label) });
  }

  async send(body: Record<string, unknown>): Promise<Turn> {
    const res = await this.server.inject({
      method: 'POST',
      url: '/api/chat',
      headers: this.headers,
      payload: { conversationId: this.conversationId, locale: this.locale, ...body },
    });
    const json = res.json() as { conversationId: string; replies: Reply[] };
    if (res.statusCode === 200) this.conversationId = json.conversationId;
    const replies = json.replies ?? [];
    return turnOf(replies, res.statusCode);
  }
}

/** The action of the button whose label contains `label` (a test that names a missing one fails saying which there are). */
export function buttonFor(turn: Pick<Turn, 'buttons'>, label: string): string {
  const button = turn.buttons.find((b) => b.label.includes(label));
  if (!button) throw new Error(`no button "${label}" among: ${turn.buttons.map((b) => b.label).join(' | ')}`);
  return button.action;
}

/** What a user sees of replies, as a Turn. */
export function turnOf(replies: Reply[], status = 200): Turn {
  return {
    status,
    replies,
    said: flatten(replies),
    buttons: replies.flatMap((r) => (r.type === 'choices' ? r.choices : [])),
    articles: replies.flatMap((r) => (r.type === 'article' ? [r.id] : [])),
  };
}
