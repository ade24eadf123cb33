import type { ChatMessage } from '../../contracts/messages.js';
import { choices, type Reply, text } from '../../contracts/replies.js';
import type { Requester } from '../../flows/engine/index.js';
import type { IntentId, Lang, NormalizedMessage } from '../../knowledge/index.js';
import type { Conversation } from '../conversations/store.js';
import { type Contact, type ContactProblem, maskContact, maskText, parseContact } from './contact.js';
import type { HandoffContext } from './context.js';
import type { Handoff, TicketDraft } from './state.js';
import { summarize } from './summary.js';
import type { TicketRecord } from './tickets.js';

/** A draft left alone this long is over: the next message is about something else. */
const DRAFT_IDLE_MS = 30 * 60_000;
/** How many of the latest messages the ticket keeps. */
const TRANSCRIPT = 12;
/** The third try without a usable contact gives up (two re-asks, each saying something new). */
const MAX_RETRIES = 2;

type Said = { replies: Reply[]; conversation: Conversation };
/** The message was for the ticket (`said`), or about something else: the dialogue takes it. */
export type Written = Said | { released: Conversation };

const PROBLEM_KEY = {
  phone_length: 'ticket_bad_phone_length',
  phone_prefix: 'ticket_bad_phone_prefix',
  email: 'ticket_bad_email',
} as const satisfies Record<ContactProblem, string>;

/**
 * A person when none can take the conversation now: the user leaves how to be reached (a mobile
 * number or an e-mail address) and, if they like, their question; they get a ticket number and the
 * hotline. The contact is in clear in the ticket record only: the conversation, the desk and the
 * logs see it masked.
 */
export class TicketWriter {
  constructor(
    private readonly ctx: HandoffContext,
    /** The user side's "went back to the assistant" (the desk's thread is told). */
    private readonly sides: { left: (conversationId: string, handoff: Handoff) => Promise<void> },
  ) {}

  /** No agent to hand over to: the offer to leave a message, and the draft that waits for it. */
  offer(c: Conversation, closed: Conversation, reason: string, requester: Requester, said?: string): Said {
    const summary = summarize(this.ctx, c, reason, requester, said);
    const draft: TicketDraft = {
      startedAt: this.ctx.now(),
      reason,
      channel: requester.channel,
      given: summary.given,
      message: '',
      retries: 0,
      ...(summary.intent && { intent: summary.intent.id }),
      ...(summary.reference && { reference: summary.reference }),
      ...(requester.merchantNo && { merchantNo: requester.merchantNo }),
    };
    return {
      replies: this.offerReplies(c.lang, { merchant: requester.merchantNo !== undefined }),
      conversation: { ...closed, ticketDraft: draft, misunderstandings: 0 },
    };
  }

  offerReplies(lang: Lang, who: { merchant: boolean }): Reply[] {
    const { say } = this.ctx.deps;
    const prepare = say(who.merchant ? 'ticket_prepare_merchant' : 'ticket_prepare_consumer', lang);
    return [text(say('ticket_offer', lang, { ...this.hotline(lang), prepare }))];
  }

  /** A handoff given up on (the desk could not take it): the draft from what it knew. */
  draftFrom(h: Handoff, given: TicketDraft['given'] = {}): TicketDraft {
    return {
      startedAt: this.ctx.now(),
      reason: h.reason,
      channel: h.channel,
      given,
      message: '',
      retries: 0,
      ...(h.reference && { reference: h.reference }),
      ...(h.merchantNo && { merchantNo: h.merchantNo }),
    };
  }

  /**
   * Nobody claimed the handoff in time and the user chose to leave a message: the handoff is set
   * aside while they write it (their words come here, where the contact can be read before it is
   * masked) and resumes with the ticket. An agent acting meanwhile resumes it too (context.ts).
   */
  park(c: Conversation, h: Handoff): Conversation {
    return { ...c, handoff: undefined, ticketDraft: { ...this.draftFrom(h), handoff: h } };
  }

  /** The user's message while a ticket is being written. */
  async write(c: Conversation, message: NormalizedMessage): Promise<Written> {
    const draft = c.ticketDraft;
    if (!draft) return { released: c };
    const { say, commands, answers } = this.ctx.deps;
    const parked = draft.handoff;
    const idle = this.ctx.deps.clock().getTime() - Date.parse(draft.startedAt) > DRAFT_IDLE_MS;
    const without = { ...c, ticketDraft: undefined, ...(parked && { handoff: parked }) };
    if (idle && !parked) return { released: without };

    if (commands.first(message, ['cancel'])) {
      // the user went back to the assistant: a handoff set aside is over, and its thread is told
      if (parked) this.ctx.afterSave.set(c.id, () => this.sides.left(c.id, parked));
      return {
        replies: [text(say('ticket_cancelled', c.lang)), choices(answers.mainTopics(c.lang))],
        conversation: { ...c, ticketDraft: undefined },
      };
    }
    const parsed = parseContact(message.raw);
    if (parsed.kind === 'found') return this.create(c, draft, parsed.contact, parsed.rest);
    // a message without any try at a contact is about something else, unless agents wait for it
    if (parsed.kind === 'none' && !parked) return { released: { ...c, ticketDraft: undefined } };

    const retries = draft.retries + 1;
    if (retries > MAX_RETRIES) {
      const replies = parked
        ? [text(say('ticket_agents_may_reply', c.lang))]
        : [text(say('ticket_gave_up', c.lang, this.hotline(c.lang))), choices(answers.mainTopics(c.lang))];
      return { replies, conversation: without };
    }
    const words =
      parsed.kind === 'bad'
        ? say(PROBLEM_KEY[parsed.problem], c.lang, { digits: parsed.digits })
        : say('ticket_no_contact', c.lang);
    const last = retries === MAX_RETRIES ? say('ticket_retry_last', c.lang, this.hotline(c.lang)) : '';
    const kept = parsed.kind === 'none' ? join(draft.message, maskText(message.raw)) : draft.message;
    return {
      replies: [text(last ? `${words}${c.lang === 'zh' ? '' : ' '}${last}` : words)],
      conversation: { ...c, ticketDraft: { ...draft, retries, message: kept } },
    };
  }

  private async create(c: Conversation, draft: TicketDraft, contact: Contact, rest: string): Promise<Said> {
    const { say, tickets, logger, answers } = this.ctx.deps;
    const parked = draft.handoff;
    const intent = draft.intent as IntentId | undefined;
    let ticket: TicketRecord;
    try {
      ticket = {
        number: await tickets.nextNumber(this.ctx.deps.clock()),
        createdAt: this.ctx.now(),
        conversationId: c.id,
        channel: draft.channel,
        lang: c.lang,
        contact,
        message: join(draft.message, maskText(rest)),
        summary: {
          reason: draft.reason,
          given: draft.given,
          transcript: c.messages.slice(-TRANSCRIPT).flatMap(line),
          ...(intent && { intent: { id: intent, title: answers.intentLabel(intent, c.lang) } }),
          ...(draft.merchantNo && { merchantNo: draft.merchantNo }),
          ...(draft.reference && { reference: draft.reference }),
        },
        status: 'open',
      };
      await tickets.save(ticket);
    } catch (err) {
      // the draft stays: the same message again may work, and the hotline always does
      logger.error({ err, conversationId: c.id }, 'could not save a ticket');
      return {
        replies: [
          text(`${say('something_wrong', c.lang)} ${say('ticket_retry_last', c.lang, this.hotline(c.lang))}`),
        ],
        conversation: c,
      };
    }
    logger.info({ ticket: ticket.number, conversationId: c.id, channel: ticket.channel }, 'ticket left');
    this.ctx.deps.insights?.record({
      kind: 'ticket',
      conversationId: c.id,
      channel: draft.channel,
      lang: c.lang,
      intent: draft.intent,
      outcome: parked ? 'unclaimed' : 'no_desk',
    });
    const notice = { ...ticket, contact: maskContact(contact) };
    this.ctx.afterSave.set(c.id, async () => {
      await this.ctx.desk
        ?.postTicket?.(notice)
        .catch((err: unknown) =>
          logger.warn({ err, ticket: ticket.number }, 'could not post the ticket to the desk'),
        );
    });
    const created = say('ticket_created', c.lang, {
      number: ticket.number,
      contact: notice.contact,
      ...this.hotline(c.lang),
    });
    return {
      replies: [text(created), ...(parked ? [text(say('ticket_agents_may_reply', c.lang))] : [])],
      conversation: { ...c, ticketDraft: undefined, ...(parked && { handoff: parked }) },
    };
  }

  private hotline(lang: Lang): { hotline: string; hotlineName: string } {
    const { number, name } = this.ctx.deps.hotline;
    return { hotline: number, hotlineName: name[lang] };
  }
}

function join(a: string, b: string): string {
  return [a, b].filter(Boolean).join('\n');
}

/** One transcript line, masked (the conversation's messages are; e-mail addresses may not be). */
function line(m: ChatMessage): TicketRecord['summary']['transcript'] {
  const said =
    m.text ??
    m.label ??
    m.attachment?.name ??
    m.replies?.flatMap((r) => (r.type === 'text' ? [r.text] : r.type === 'card' ? [r.title] : [])).join(' ');
  return said ? [{ at: m.at, from: m.from, text: maskText(said) }] : [];
}
