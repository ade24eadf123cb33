import type { Logger } from '../contracts/logger.js';
import { maskSensitive } from '../contracts/masking.js';
import { type Attachment, append, type ChatMessage, maskReplies } from '../contracts/messages.js';
import { type Reply, text } from '../contracts/replies.js';
import {
  type ApplicationPort,
  type Flow,
  FlowRunner,
  type LookupPort,
  type Requester,
} from '../flows/engine/index.js';
import {
  type Commands,
  type Content,
  type IntentId,
  type Lang,
  type NormalizedMessage,
  normalizeMessage,
  showsScript,
  type Understander,
  type Understanding,
  type WorkingDays,
} from '../knowledge/index.js';
import type { Answers } from './answers.js';
import type { ApplicationDialogue } from './applications/dialogue.js';
import type { Conversation, ConversationStore } from './conversations/store.js';
import { Dialogue, type Outcome } from './dialogue.js';
import type { HandoffService } from './handoff/index.js';
import { type InsightsSink, noInsights } from './insights/events.js';
import { type TurnSeen, turnEvents } from './insights/turns.js';
import { inScript, ownLanguage, replyLanguage } from './language.js';
import { policyByLang, type Say } from './messages.js';
import type { Metrics } from './metrics.js';
import type { EventBus } from './ports.js';
import { articlesFor, type Decision } from './route.js';

export interface TurnInput {
  conversationId?: string | undefined;
  text?: string | undefined;
  action?: string | undefined;
  /** A language the caller knows better than detection (a widget's locale setting). */
  locale?: Lang | undefined;
  channel: string;
  /** A signed-in merchant's number, from a trusted caller. */
  merchantNo?: string | undefined;
  /** The client's address, for lock-outs. */
  address?: string | undefined;
  /** The client's id for this message: sent twice (a reconnect), it is answered once. */
  clientId?: string | undefined;
}

export interface TurnResult {
  conversationId: string;
  lang: Lang;
  replies: Reply[];
  /** The conversation's new messages (the user's and the reply), numbered and masked. */
  messages: ChatMessage[];
  /** Present when the turn had text to understand. */
  understanding?: Understanding;
  decision?: Decision;
}

export interface AssistantDeps {
  content: Content;
  /** The command and correction words (knowledge/commands.yml), shared with the handoff. */
  commands: Commands;
  understander: Understander;
  store: ConversationStore;
  logger: Logger;
  flows: readonly Flow[];
  maxMessageChars: number;
  /** A flow left alone this long is over; the next message starts afresh. */
  flowIdleMinutes: number;
  /** The one set of words and answers built from the content (shared with the handoff). */
  say: Say;
  answers: Answers;
  calendar: WorkingDays;
  lookup: LookupPort;
  /** Refund applications: the flow's steps and the merchant's words for them. */
  applications?: { steps: ApplicationPort; dialogue: ApplicationDialogue };
  /** Agents who can take a conversation over; with no desk, a person is asked for by contact details. */
  handoffs: HandoffService;
  /** New messages go out on it to every open client of the conversation. */
  bus: EventBus;
  clock: () => Date;
  observeFlows?: (flow: string, from: string | undefined, to: string) => void;
  metrics?: Metrics;
  /** What support leads see on /insights (bot/insights); default: nothing recorded. */
  insights?: InsightsSink;
}

/** The turn pipeline (DESIGN.md): load state → (flow runner | understand → route) → replies → save. */
export class Assistant {
  readonly say: Say;
  readonly answers: Answers;
  readonly runner: FlowRunner;
  private readonly dialogue: Dialogue;
  private readonly clock: () => Date;

  constructor(private readonly deps: AssistantDeps) {
    const { content, say } = deps;
    this.clock = deps.clock;
    const policy = policyByLang(content);
    this.say = say;
    this.answers = deps.answers;
    const { commands } = deps;
    this.runner = new FlowRunner({
      flows: deps.flows,
      words: {
        yes: (l) => say('yes', l),
        no: (l) => say('no', l),
        tooManyTries: (l) => say('too_many_tries', l),
        talkToPerson: (l) => say('talk_to_person', l),
        tryAgain: (l) => say('try_again', l),
        rephrase: (l) => say('flow_rephrase', l),
        policy: (l) => policy[l],
      },
      articles: this.answers,
      lookup: deps.lookup,
      ...(deps.applications && { applications: deps.applications.steps }),
      arrivalMethods: content.arrivalMethods,
      calendar: deps.calendar,
      refundWindowDays: content.policy.refundWindowDays,
      commands,
      clock: this.clock,
      ...(deps.observeFlows && { observe: deps.observeFlows }),
    });
    this.dialogue = new Dialogue({
      understander: deps.understander,
      runner: this.runner,
      answers: this.answers,
      say,
      commands,
      handoff: deps.handoffs,
      maxMessageChars: deps.maxMessageChars,
      clock: this.clock,
      ...(deps.applications && { applications: deps.applications.dialogue }),
    });
  }

  /** Understanding without a conversation: what `cli eval` and the benchmarks measure. */
  understand(
    message: string,
    lang?: Lang,
  ): { understanding: Understanding; decision: Decision; articles: string[] } {
    const { understanding, decision } = this.dialogue.understand(message, lang ?? 'zh');
    const articles = articlesFor(understanding, decision, (i) => this.answers.intentArticleId(i));
    return { understanding, decision, articles };
  }

  /** The replies to one message, without a conversation (answers only, no flows). */
  respond(message: string, lang: Lang): Omit<Outcome, 'conversation'> {
    return this.dialogue.respond(message, lang);
  }

  /**
   * The message, normalised once for the whole turn. A message over the length limit is answered
   * with the limit, so only what could be read is normalised (a pasted novel costs nothing).
   */
  private normalized(text: string): NormalizedMessage {
    const limit = this.deps.maxMessageChars + 1;
    return text.length > limit
      ? { ...normalizeMessage(text.slice(0, limit)), raw: text }
      : normalizeMessage(text);
  }

  async turn(typed: TurnInput): Promise<TurnResult> {
    const started = performance.now();
    // user text enters here: masked once, before anything reads, echoes, stores or logs it; only a
    // ticket being written reads the contact as typed (README "Tickets")
    // the client's own message id too: it is stored with the message (a retry is compared masked)
    const input = {
      ...typed,
      text: mask(typed.text),
      action: mask(typed.action),
      clientId: mask(typed.clientId),
    };
    const now = this.clock();
    const message =
      input.text !== undefined && input.action === undefined ? this.normalized(input.text) : undefined;
    // what the handoff does once this turn is saved (never under the conversation's lock)
    let after: (() => void) | undefined;
    let seen: TurnSeen | undefined;
    const result = await this.deps.store.withConversation(
      input.conversationId,
      ownLanguage(message) ?? input.locale ?? 'zh',
      now,
      async (loaded) => {
        const repeated = input.clientId ? this.alreadyAnswered(loaded, input.clientId) : undefined;
        if (repeated) return { conversation: loaded, result: repeated };
        let conversation: Conversation = {
          ...loaded,
          lang: replyLanguage({ message, locale: input.locale, conversation: loaded }),
          // traditional in, traditional out; a message without Han characters keeps the script
          script: scriptAfter(loaded.script, message),
        };
        const notes: Reply[] = [];
        if (
          conversation.flow &&
          now.getTime() - Date.parse(conversation.flow.updatedAt) > this.deps.flowIdleMinutes * 60_000
        ) {
          notes.push(
            text(this.say('flow_expired', conversation.lang, { minutes: this.deps.flowIdleMinutes })),
          );
          conversation = { ...conversation, flow: undefined };
        }
        const requester: Requester = {
          channel: input.channel,
          conversationId: conversation.id,
          ...(input.merchantNo && { merchantNo: input.merchantNo }),
          ...(input.address && { address: input.address }),
        };
        const handoffs = this.deps.handoffs;
        const owned = conversation.handoff !== undefined;
        // a button's label sent back as text (Bot Framework's imBack, or typed) is that button
        const pressed =
          input.action ??
          (input.text !== undefined
            ? conversation.offered.find((o) => o.label === input.text?.trim())?.action
            : undefined);
        const outcome: Outcome = owned
          ? handoffs.whileOwned(conversation, pressed)
          : pressed !== undefined
            ? await this.dialogue.onAction(conversation, pressed, requester)
            : await this.dialogue.onText(conversation, message ?? this.normalized(''), requester, typed.text);
        const replies = inScript([...notes, ...outcome.replies], outcome.conversation.script);
        const recorded = this.record(remember(outcome.conversation, message), input, replies, now);
        const { added } = recorded;
        const handedOver = handoffs.afterTurn(loaded.handoff, recorded.conversation);
        const next = handedOver.conversation;
        after = handedOver.after;
        seen = {
          channel: input.channel,
          before: loaded,
          after: next,
          outcome,
          message,
          pressed,
          owned,
          articles: replies.flatMap((r) => (r.type === 'article' ? [r.id] : [])),
        };
        this.deps.logger.debug(
          {
            conversationId: next.id,
            channel: input.channel,
            decision: outcome.decision?.kind,
            intent: outcome.understanding?.intent.intent,
            flow: next.flow?.flow,
          },
          'turn',
        );
        return {
          conversation: maskedSlots(next),
          result: {
            conversationId: next.id,
            lang: next.lang,
            replies,
            messages: added,
            ...(outcome.understanding && { understanding: outcome.understanding }),
            ...(outcome.decision && { decision: outcome.decision }),
          },
        };
      },
    );
    await this.publish(result);
    after?.();
    this.metered(input.channel, result, started);
    if (seen) for (const event of turnEvents(seen)) this.insights.record(event);
    return result;
  }

  private get insights(): InsightsSink {
    return this.deps.insights ?? noInsights;
  }

  private metered(channel: string, result: TurnResult, started: number): void {
    this.deps.metrics?.count('turns', { channel, decision: result.decision?.kind ?? 'none' });
    this.deps.metrics?.observe('turn_seconds', { channel }, (performance.now() - started) / 1000);
  }

  /** Messages after `after` (a client's last seen number), for history and resume. */
  async history(
    conversationId: string,
    after = 0,
  ): Promise<{ conversationId: string; seq: number; lang: Lang; messages: ChatMessage[] } | undefined> {
    const c = await this.deps.store.load(conversationId);
    if (!c) return undefined;
    return {
      conversationId: c.id,
      seq: c.seq,
      lang: c.lang,
      messages: c.messages.filter((m) => m.id > after),
    };
  }

  /** 👍 or 👎 on one of the bot's answers, kept on the message and in the conversation's feedback. */
  async rate(conversationId: string, messageId: number, value: 'up' | 'down'): Promise<boolean> {
    let found = false;
    await this.deps.store.update(conversationId, async (c) => {
      const message = c.messages.find((m) => m.id === messageId && m.from !== 'user');
      if (!message) return undefined;
      found = true;
      const asked = c.messages.filter((m) => m.id < messageId && m.from === 'user').at(-1);
      this.insights.record({
        kind: 'rating',
        conversationId,
        lang: c.lang,
        channel: c.handoff?.channel,
        outcome: value,
        article: message.replies?.find((r) => r.type === 'article')?.id,
        // a 👎 is an unanswered question: what was asked is kept, masked
        ...(value === 'down' && (asked?.text ?? asked?.label) && { text: asked?.text ?? asked?.label }),
      });
      return {
        ...c,
        messages: c.messages.map((m) => (m.id === messageId ? { ...m, feedback: value } : m)),
        feedback: [
          ...c.feedback,
          { at: this.clock().toISOString(), message: messageId, solved: value === 'up' },
        ],
      };
    });
    return found;
  }

  /** A proof document the user uploaded: recorded in the conversation, acknowledged to everyone. */
  async attach(
    input: {
      conversationId?: string | undefined;
      locale?: Lang | undefined;
      channel: string;
      merchantNo?: string | undefined;
    },
    uploaded: Attachment,
  ): Promise<TurnResult> {
    const now = this.clock();
    // a file named after a card ("卡号6222….jpg") is stored and shown with the name masked
    const attachment = { ...uploaded, name: maskSensitive(uploaded.name) };
    let handedOver: string | undefined;
    const result = await this.deps.store.withConversation(
      input.conversationId,
      input.locale ?? 'zh',
      now,
      async (loaded) => {
        const c = { ...loaded, lang: input.locale ?? loaded.lang };
        const at = now.toISOString();
        const receipt = this.say('upload_received', c.lang, { name: attachment.name });
        // a refund application asking for proof keeps the document and asks again (done / more)
        const kept =
          !c.handoff && c.flow
            ? this.runner.attach(c.flow, attachment, this.attachContext(c, input))
            : undefined;
        const replies: Reply[] = [text(receipt), ...(kept?.replies ?? [])];
        // while agents own the conversation the receipt is a notice, not the bot speaking up
        const log = append(c, [
          { at, from: 'user', attachment },
          c.handoff ? { at, from: 'system', text: receipt } : { at, from: 'bot', replies },
        ]);
        const next = { ...c, ...(kept?.state && { flow: kept.state }), seq: log.seq, messages: log.messages };
        if (next.handoff) handedOver = next.id;
        return {
          conversation: next,
          result: { conversationId: c.id, lang: c.lang, replies, messages: log.added },
        };
      },
    );
    await this.publish(result);
    if (handedOver) this.deps.handoffs.relay(handedOver);
    return result;
  }

  private attachContext(c: Conversation, input: { channel: string; merchantNo?: string | undefined }) {
    return {
      lang: c.lang,
      requester: {
        channel: input.channel,
        conversationId: c.id,
        ...(input.merchantNo && { merchantNo: input.merchantNo }),
      },
    };
  }

  private async publish(result: TurnResult): Promise<void> {
    if (!result.messages.length) return;
    await this.deps.bus
      .publish({ conversationId: result.conversationId, messages: result.messages })
      .catch((err: unknown) => this.deps.logger.warn({ err }, 'could not publish new messages'));
  }

  /** A message seen before (same client id): its answer again, nothing redone and nothing re-sent. */
  private alreadyAnswered(c: Conversation, clientId: string): TurnResult | undefined {
    const i = c.messages.findIndex((m) => m.from === 'user' && m.clientId === clientId);
    if (i < 0) return undefined;
    const reply = c.messages[i + 1]?.from === 'bot' ? c.messages[i + 1] : undefined;
    return { conversationId: c.id, lang: c.lang, replies: reply?.replies ?? [], messages: [] };
  }

  /**
   * What a button the server did not offer in this conversation was called (a topic pressed on the
   * widget's opening screen): the intent's label, so history and agents read words, not actions.
   */
  private labelOf(action: string, lang: Lang): string {
    const intent = /^intent:([a-z_]+)$/.exec(action)?.[1];
    return intent ? this.answers.intentLabel(intent as IntentId, lang) : action;
  }

  /** Turn count, offered buttons, and the masked messages of this turn. */
  private record(
    c: Conversation,
    input: TurnInput,
    replies: Reply[],
    now: Date,
  ): { conversation: Conversation; added: ChatMessage[] } {
    const at = now.toISOString();
    const clientId = input.clientId ? { clientId: input.clientId } : {};
    const user: Omit<ChatMessage, 'id'> =
      input.action !== undefined
        ? {
            at,
            from: 'user',
            // an action can carry what a client typed into it: masked like text
            action: maskSensitive(input.action),
            label: maskSensitive(
              c.offered.find((o) => o.action === input.action)?.label ?? this.labelOf(input.action, c.lang),
            ),
            ...clientId,
          }
        : {
            at,
            from: 'user',
            text: maskSensitive((input.text ?? '').slice(0, this.deps.maxMessageChars)),
            ...clientId,
          };
    const bot: Array<Omit<ChatMessage, 'id'>> = replies.length
      ? [{ at, from: 'bot', replies: maskReplies(replies) }]
      : [];
    const log = append(c, [user, ...bot]);
    return {
      conversation: {
        ...c,
        turns: c.turns + 1,
        // a turn the bot stays silent in (agents own the conversation) leaves the buttons as they were
        offered: replies.length ? replies.flatMap((r) => (r.type === 'choices' ? r.choices : [])) : c.offered,
        seq: log.seq,
        messages: log.messages,
      },
      added: log.added,
    };
  }
}

const mask = (s: string | undefined) => (s === undefined ? s : maskSensitive(s));

/**
 * The last few things the user said outside a flow, for a flow that starts later; a flow under way
 * has taken them in, so they go.
 */
function remember(c: Conversation, message: NormalizedMessage | undefined): Conversation {
  if (c.flow) return c.said.length ? { ...c, said: [] } : c;
  if (!message?.text) return c;
  return { ...c, said: [...c.said, maskSensitive(message.text)].slice(-3) };
}

/**
 * The conversation's script after this message: traditional in, traditional out; a message of
 * characters both scripts share ("好了，可以了") keeps a traditional conversation traditional (checked
 * only then: it costs a conversion).
 */
function scriptAfter(
  current: Conversation['script'],
  message: NormalizedMessage | undefined,
): Conversation['script'] {
  if (!message?.script) return current;
  if (message.script === 'simplified' && current === 'traditional' && !showsScript(message.raw))
    return current;
  return message.script;
}

/**
 * Slot values as they are kept: a free-text answer ("屏幕提示…卡号6222…") is stored masked, like the
 * message it came from; numbers the flow needs (a 12-digit reference, an amount) pass unchanged.
 */
function maskedSlots(c: Conversation): Conversation {
  const mask = (f: Conversation['flow']) =>
    f && {
      ...f,
      slots: Object.fromEntries(
        Object.entries(f.slots).map(([k, v]) => [k, typeof v === 'string' ? maskSensitive(v) : v]),
      ),
    };
  return { ...c, flow: mask(c.flow), lastFlow: mask(c.lastFlow) };
}
