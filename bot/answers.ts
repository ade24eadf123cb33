import {
  type ArticleReply,
  type Choice,
  type ChoicesReply,
  choices,
  type Reply,
  type TextReply,
  text,
} from '../contracts/replies.js';
import type { Article, IntentDefinition, IntentId, Lang, SearchHit } from '../knowledge/index.js';
import type { Say } from './messages.js';

export interface ArticleSource {
  article(id: string, lang: Lang): Article | undefined;
}

export interface AnswerDeps {
  articles: ArticleSource;
  intents: ReadonlyMap<IntentId, IntentDefinition>;
  /** knowledge/intents.yml's mainTopics. */
  mainTopics: readonly IntentId[];
  say: Say;
  articleUrl: (id: string, lang: Lang) => string;
}

/** The first sentence of the short answer: the card links to the whole, it need not repeat it. */
function plainSnippet(markdownInline: string, max = 120): string {
  const plain = markdownInline.replace(/\*\*/g, '');
  const first = /^.+?[。！？!?](?=\s|$)|^.+?[.](?=\s|$)/u.exec(plain)?.[0] ?? plain;
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}

/** Builds replies from content: never a fact of its own. */
export class Answers {
  constructor(private readonly deps: AnswerDeps) {}

  articleCard(article: Article, snippet?: string): ArticleReply {
    return {
      type: 'article',
      id: article.id,
      title: article.title,
      snippet: snippet ?? plainSnippet(article.summary),
      url: this.deps.articleUrl(article.id, article.lang),
    };
  }

  /**
   * Short answer first, then the steps, then the link; related topics as buttons. The link's card
   * has no snippet: the bubble above already says it, and on a phone the repetition is a wall.
   */
  article(id: string, lang: Lang): Reply[] | undefined {
    const article = this.deps.articles.article(id, lang);
    if (!article) return undefined;
    const steps = article.steps.map((s, i) => `${i + 1}. ${s}`).join('\n');
    const related: Choice[] = article.related.slice(0, 3).flatMap((rid) => {
      const r = this.deps.articles.article(rid, lang);
      return r ? [{ label: r.title, action: `article:${r.id}` }] : [];
    });
    return [
      text(`${article.summary}\n\n${steps}`),
      this.articleCard(article, ''),
      choices([...related, this.talkToPerson(lang)]),
    ];
  }

  intentArticleId(intent: IntentId): string | undefined {
    return this.deps.intents.get(intent)?.article;
  }

  intentLabel(intent: IntentId, lang: Lang): string {
    return this.deps.intents.get(intent)?.label[lang] ?? intent;
  }

  /** "Did this solve it?" with its yes/no buttons (after a flow, after agents resolve). */
  solvedQuestion(lang: Lang): [TextReply, ChoicesReply] {
    const { say } = this.deps;
    return [
      text(say('solved_question', lang)),
      choices([
        { label: say('solved_yes', lang), action: 'solved:yes' },
        { label: say('solved_no', lang), action: 'solved:no' },
      ]),
    ];
  }

  /** What a new conversation opens with: the greeting and the main topics as buttons. */
  welcome(lang: Lang): Reply[] {
    return [text(this.deps.say('greeting', lang)), choices(this.mainTopics(lang))];
  }

  talkToPerson(lang: Lang): Choice {
    return { label: this.deps.say('talk_to_person', lang), action: 'human' };
  }

  mainTopics(lang: Lang): Choice[] {
    return this.deps.mainTopics.map((i) => ({ label: this.intentLabel(i, lang), action: `intent:${i}` }));
  }

  clarify(candidates: IntentId[], lang: Lang): Reply[] {
    return [
      text(this.deps.say('clarify', lang)),
      choices([
        ...candidates.map((i) => ({ label: this.intentLabel(i, lang), action: `intent:${i}` })),
        { label: this.intentLabel('out_of_scope', lang), action: 'intent:out_of_scope' },
      ]),
    ];
  }

  /** Honest "I did not understand", with the closest articles and a person on offer. */
  noMatch(hits: SearchHit[], lang: Lang): Reply[] {
    const cards = hits.flatMap((h) => {
      const a = this.deps.articles.article(h.id, h.lang);
      return a ? [this.articleCard(a, h.snippet)] : [];
    });
    const buttons =
      cards.length > 0 ? [this.talkToPerson(lang)] : [...this.mainTopics(lang), this.talkToPerson(lang)];
    return [text(this.deps.say('no_match', lang)), ...cards, choices(buttons)];
  }
}
