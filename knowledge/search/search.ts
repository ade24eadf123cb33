import lunr from 'lunr';
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { BuildCache } from '../build-cache.js';
import type { Article } from '../content/articles.js';
import { LANGS, type Lang } from '../content/schemas.js';
import { normalize } from '../text/normalize.js';
import type { Tokenizer } from '../text/tokenizer.js';
import { bestSnippet, type Sentence, splitSentences } from './snippet.js';

export interface SearchHit {
  id: string;
  lang: Lang;
  title: string;
  score: number;
  /** One sentence of the article, matched words in **bold**. */
  snippet: string;
}

export interface SearchOptions {
  lang: Lang;
  limit?: number;
}

const FIELDS = [
  { name: 'title', boost: 6 },
  { name: 'questions', boost: 4 },
  { name: 'tags', boost: 2 },
  { name: 'body', boost: 1 },
] as const;

interface Indexed {
  index: lunr.Index;
  articles: Map<string, Article>;
  sentences: Map<string, Sentence[]>;
}

/**
 * lunr over the articles of one language, fed by our tokenizer at both ends. lunr's own query
 * parser splits on spaces and its trimmer strips every CJK character (STACK.md), so neither is used:
 * documents are tokenized by a custom tokenizer and queries are built term by term.
 */
export class KnowledgeSearch {
  private constructor(private readonly byLang: Record<Lang, Indexed>) {}

  static build(
    articles: readonly Article[],
    tokenizer: Tokenizer,
    cache = new BuildCache(undefined),
  ): KnowledgeSearch {
    const byLang = {} as Record<Lang, Indexed>;
    for (const lang of LANGS) {
      const own = articles.filter((a) => a.lang === lang);
      // the documents as the index sees them: field → tokens, tokenized once
      const docs = own.map((a) => ({
        id: a.id,
        fields: Object.fromEntries(
          FIELDS.map((f) => {
            const value = f.name === 'body' ? a.plain : f.name === 'title' ? a.title : a[f.name].join('\n');
            return [f.name, tokenizer.tokens(normalize(value))];
          }),
        ) as Record<(typeof FIELDS)[number]['name'], string[]>,
      }));
      const key = BuildCache.key(docs);
      const saved = cache.get<object>(`search-${lang}`, key);
      let index: lunr.Index;
      if (saved) {
        index = lunr.Index.load(saved);
      } else {
        index = lunr(function () {
          // fields arrive already tokenized: lunr's tokenizer only wraps them
          this.tokenizer = ((tokens: unknown) =>
            (tokens as string[]).map((t) => new lunr.Token(t, {}))) as unknown as typeof lunr.tokenizer;
          this.pipeline.reset();
          this.searchPipeline.reset();
          this.ref('id');
          for (const f of FIELDS) this.field(f.name, { boost: f.boost });
          for (const d of docs) this.add({ id: d.id, ...d.fields });
        });
        cache.set(`search-${lang}`, key, index.toJSON());
      }
      byLang[lang] = {
        index,
        articles: new Map(own.map((a) => [a.id, a])),
        sentences: new Map(own.map((a) => [a.id, splitSentences(a.plain, tokenizer, normalize)])),
      };
    }
    return new KnowledgeSearch(byLang);
  }

  /** Tokens of a normalised message (the tokenizer's). Returns at most `limit` articles, best first. */
  searchTokens(tokens: readonly string[], { lang, limit = 3 }: SearchOptions): SearchHit[] {
    const { index, articles, sentences } = this.byLang[lang];
    // Words no article contains cannot match; leaving them out of the query saves lunr a token-set
    // intersection per field for each of them (most of a query's cost).
    const vocabulary = (index as unknown as { invertedIndex: Record<string, unknown> }).invertedIndex;
    const terms = [...new Set(tokens)].filter((t) => Object.hasOwn(vocabulary, t));
    if (terms.length === 0) return [];
    const results = index.query((q) => {
      for (const term of terms) {
        q.term(term, { usePipeline: false, presence: lunr.Query.presence.OPTIONAL });
      }
    });
    return results.slice(0, limit).map((r) => {
      const article = articles.get(r.ref) as Article;
      const matched = Object.keys(r.matchData.metadata);
      return {
        id: r.ref,
        lang,
        title: article.title,
        score: Math.round(r.score * 1000) / 1000,
        snippet: bestSnippet(sentences.get(r.ref) ?? [], matched, (w) => PorterStemmer.stem(w)),
      };
    });
  }

  article(id: string, lang: Lang): Article | undefined {
    return this.byLang[lang].articles.get(id);
  }
}
