// The peers `npm run eval -- --compare` measures ours against, each trained on exactly our examples.
import { createRequire } from 'node:module';
import { type Content, INTENT_IDS, type IntentId, LANGS, type Lang } from '../../knowledge/index.js';

export interface PeerResult {
  intent: IntentId;
  confidence: number;
  ranking: Array<{ intent: IntentId; confidence: number }>;
}

export interface Peer {
  name: string;
  trainMs: number;
  classify(text: string, lang: Lang): PeerResult;
}

interface NlpJsResult {
  intent: string;
  score: number;
  classifications?: Array<{ intent: string; score: number }>;
}
interface NlpJs {
  settings: { autoSave: boolean };
  addLanguage(lang: string): void;
  addDocument(lang: string, text: string, intent: string): void;
  train(): Promise<void>;
  process(lang: string, text: string): Promise<NlpJsResult>;
}

/**
 * nlp.js 4 (@nlpjs/nlp with lang-zh and lang-en-min): its own tokenizers, stemmers and neural
 * classifier, trained on our examples. Its `process` is async only because of its pipeline hooks;
 * the classification itself is synchronous, so we await it per message and time that.
 */
export async function nlpJs(
  content: Content,
): Promise<Peer & { classifyAsync(text: string, lang: Lang): Promise<PeerResult> }> {
  const require = createRequire(import.meta.url);
  const { containerBootstrap } = require('@nlpjs/core');
  const { Nlp } = require('@nlpjs/nlp');
  const { LangEn } = require('@nlpjs/lang-en-min');
  const { LangZh } = require('@nlpjs/lang-zh');
  const container = await containerBootstrap();
  container.use(Nlp);
  container.use(LangEn);
  container.use(LangZh);
  const nlp = container.get('nlp') as NlpJs;
  nlp.settings.autoSave = false;
  for (const lang of LANGS) nlp.addLanguage(lang);
  for (const lang of LANGS)
    for (const intent of INTENT_IDS)
      for (const t of content.examples[lang][intent] ?? []) nlp.addDocument(lang, t, intent);
  const t0 = performance.now();
  // its trainer prints every epoch through console.log, whatever its settings say
  const log = console.log;
  console.log = () => {};
  try {
    await nlp.train();
  } finally {
    console.log = log;
  }
  const trainMs = performance.now() - t0;
  const toResult = (r: NlpJsResult): PeerResult => {
    // "None" is nlp.js's own out-of-scope answer
    const id = (i: string): IntentId => (i === 'None' ? 'out_of_scope' : (i as IntentId));
    const ranking = (r.classifications ?? [{ intent: r.intent, score: r.score }]).map((c) => ({
      intent: id(c.intent),
      confidence: c.score,
    }));
    return { intent: id(r.intent), confidence: r.score, ranking };
  };
  return {
    name: 'nlp.js 4',
    trainMs,
    classify: () => {
      throw new Error('nlp.js is async: use classifyAsync');
    },
    classifyAsync: async (text, lang) => toResult(await nlp.process(lang, text)),
  };
}
