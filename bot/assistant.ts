import {
  type Content,
  detectLanguage,
  INTENT_IDS,
  type IntentId,
  LANGS,
  type Lang,
  normalize,
  policyValues,
  type Understander,
  type Understanding,
} from '../knowledge/index.js';
import { Answers } from './answers.js';
import type { Logger } from './logger.js';
import { createSay, type Say } from './messages.js';
import { choices, type Reply, text } from './replies.js';
import { articlesFor, type Decision, decide } from './route.js';
import type { Conversation, ConversationStore } from './state/conversations.js';

export interface TurnInput {
  conversationId?: string | undefined;
  text?: string | undefined;
  action?: string | undefined;
  /** A language the caller knows better than detection (a widget's locale setting). */
  locale?: Lang | undefined;
  channel: string;
}

export interface TurnResult {
  conversationId: string;
  lang: Lang;
  replies: Reply[];
  /** Present when the turn had text to understand. */
  understanding?: Understanding;
  decision?: Decision;
}

export interface AssistantDeps {
  content: Content;
  understander: Understander;
  store: ConversationStore;
  logger: Logger;
  maxMessageChars: number;
  articleUrl: (id: string, lang: Lang) => string;
  clock?: () => Date;
}

export interface Outcome {
  replies: Reply[];
  understanding?: Understanding;
  decision?: Decision;
  /** The language the message was written in, when it showed one. */
  lang?: Lang;
}

// Something a person wrote: letters of any script or digits. Emoji, punctuation and binary noise
// alone are not.
const READABLE = /[\p{L}\p{N}]/u;
const INTENT_SET = new Set<string>(INTENT_IDS);

/** The turn pipeline (DESIGN.md): normalise → load state → understand → route → replies → save. */
export class Assistant {
  readonly say: Say;
  readonly answers: Answers;
  private readonly clock: () => Date;

  constructor(private readonly deps: AssistantDeps) {
    const { content } = deps;
    this.clock = deps.clock ?? (() => new Date());
    const defaults = Object.fromEntries(LANGS.map((l) => [l, policyValues(content.policy, l)])) as Record<
      Lang,
      Record<string, string>
    >;
    this.say = createSay(content.messages, defaults);
    this.answers = new Answers({
      articles: deps.understander.search,
      intents: new Map(content.intents.map((i) => [i.id, i])),
      say: this.say,
      articleUrl: deps.articleUrl,
    });
  }

  /** Understanding without a conversation: what `cli eval` and the benchmarks measure. */
  understand(
    message: string,
    lang?: Lang,
  ): { understanding: Understanding; decision: Decision; articles: string[] } {
    const { understanding, decision } = this.decide(message, lang);
    const articles = articlesFor(understanding, decision, (i) => this.answers.intentArticleId(i));
    return { understanding, decision, articles };
  }

  private decide(message: string, lang?: Lang): { understanding: Understanding; decision: Decision } {
    const understanding = this.deps.understander.understand(message, {
      now: this.clock(),
      fallbackLang: lang,
    });
    return { understanding, decision: decide(understanding) };
  }

  async turn(input: TurnInput): Promise<TurnResult> {
    const now = this.clock();
    const hinted =
      input.locale ?? (input.text ? detectLanguage(normalize(input.text.slice(0, 500))) : undefined);
    return this.deps.store.withConversation(
      input.conversationId,
      hinted ?? 'zh',
      now,
      async (conversation) => {
        const lang = input.locale ?? hinted ?? conversation.lang;
        const result =
          input.action !== undefined
            ? this.onAction(input.action, lang)
            : this.respond(input.text ?? '', lang);
        const next: Conversation = {
          ...conversation,
          lang: result.lang ?? lang,
          turns: conversation.turns + 1,
          misunderstandings:
            result.decision?.kind === 'no_match'
              ? conversation.misunderstandings + 1
              : result.decision
                ? 0
                : conversation.misunderstandings,
          lastIntent: result.decision?.kind === 'answer' ? result.decision.intent : conversation.lastIntent,
          offered: result.replies.flatMap((r) =>
            r.type === 'choices' ? r.choices.map((c) => c.action) : [],
          ),
        };
        this.deps.logger.debug(
          {
            conversationId: next.id,
            channel: input.channel,
            decision: result.decision?.kind,
            intent: result.understanding?.intent.intent,
          },
          'turn',
        );
        return {
          conversation: next,
          result: {
            conversationId: next.id,
            lang: next.lang,
            replies: result.replies,
            ...(result.understanding && { understanding: result.understanding }),
            ...(result.decision && { decision: result.decision }),
          },
        };
      },
    );
  }

  /** The replies to one message, without a conversation: what a turn does once state is loaded. */
  respond(message: string, lang: Lang): Outcome {
    const say = this.say;
    if (message.trim() === '')
      return { replies: [text(say('empty', lang)), choices(this.answers.mainTopics(lang))] };
    if ([...message].length > this.deps.maxMessageChars) {
      return { replies: [text(say('too_long', lang, { max: this.deps.maxMessageChars }))] };
    }
    if (!READABLE.test(normalize(message))) {
      return { replies: [text(say('unreadable', lang)), choices(this.answers.mainTopics(lang))] };
    }
    const { understanding, decision } = this.decide(message, lang);
    return { replies: this.reply(decision, understanding, lang), understanding, decision, lang };
  }

  private reply(decision: Decision, u: Understanding, lang: Lang): Reply[] {
    const say = this.say;
    switch (decision.kind) {
      case 'smalltalk':
        return decision.intent === 'greeting'
          ? [text(say('greeting', lang)), choices(this.answers.mainTopics(lang))]
          : [text(say(decision.intent, lang))];
      case 'out_of_scope':
        return [text(say('out_of_scope', lang)), choices(this.answers.mainTopics(lang))];
      case 'clarify':
        return this.answers.clarify(decision.candidates, lang);
      case 'no_match':
        return this.answers.noMatch(u.hits, lang);
      case 'answer':
        return this.answerIntent(decision.intent, lang);
    }
  }

  private answerIntent(intent: IntentId, lang: Lang): Reply[] {
    if (intent === 'human_agent') return [text(this.say('human_agent', lang))];
    const articleId = this.answers.intentArticleId(intent);
    const replies = articleId ? this.answers.article(articleId, lang) : undefined;
    return replies ?? [text(this.say('no_match', lang)), choices(this.answers.mainTopics(lang))];
  }

  private onAction(action: string, lang: Lang): Outcome {
    const [kind, arg = ''] = action.split(':', 2) as [string, string | undefined];
    if (kind === 'human') return { replies: this.answerIntent('human_agent', lang) };
    if (kind === 'intent' && INTENT_SET.has(arg)) {
      const intent = arg as IntentId;
      if (intent === 'out_of_scope') return { replies: [text(this.say('empty', lang))] };
      return { replies: this.answerIntent(intent, lang), decision: { kind: 'answer', intent } };
    }
    if (kind === 'article') {
      const replies = this.answers.article(arg, lang);
      if (replies) return { replies };
    }
    return { replies: [text(this.say('unknown_action', lang)), choices(this.answers.mainTopics(lang))] };
  }
}
