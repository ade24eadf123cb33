// Replies from knowledge alone, with no flow involved: a message refused, an answer, a question back.
import { choices, type Reply, text } from '../../contracts/replies.js';
import type { IntentId, Lang, NormalizedMessage, Understanding } from '../../knowledge/index.js';
import type { Decision } from '../route.js';
import type { DialogueDeps } from './types.js';

// Something a person wrote: letters of any script or digits. Emoji, punctuation and binary noise
// alone are not.
const READABLE = /[\p{L}\p{N}]/u;

/** Empty, too long or unreadable: a polite word, nothing else happens. */
export function reject(
  message: NormalizedMessage,
  lang: Lang,
  { say, answers, maxMessageChars }: Pick<DialogueDeps, 'say' | 'answers' | 'maxMessageChars'>,
): Reply[] | undefined {
  if (message.raw.trim() === '') return [text(say('empty', lang)), choices(answers.mainTopics(lang))];
  if ([...message.raw].length > maxMessageChars) {
    return [text(say('too_long', lang, { max: maxMessageChars }))];
  }
  if (!READABLE.test(message.text)) return [text(say('unreadable', lang)), choices(answers.mainTopics(lang))];
  return undefined;
}

export function knowledgeReply(
  decision: Decision,
  u: Understanding,
  lang: Lang,
  deps: Pick<DialogueDeps, 'say' | 'answers'>,
): Reply[] {
  const { say, answers } = deps;
  switch (decision.kind) {
    case 'smalltalk':
      return decision.intent === 'greeting'
        ? [text(say('greeting', lang)), choices(answers.mainTopics(lang))]
        : [text(say(decision.intent, lang))];
    case 'out_of_scope': {
      // a neighbouring domain we recognised (card delivery, repayment…): say where it goes
      const pointer = decision.neighbour ? u.domain.pointer?.[lang] : undefined;
      const words = pointer ? say('out_of_scope_neighbour', lang, { pointer }) : say('out_of_scope', lang);
      return [text(words), choices(answers.mainTopics(lang))];
    }
    case 'clarify':
      return answers.clarify(decision.candidates, lang);
    case 'no_match':
      return answers.noMatch(u.hits, lang);
    case 'answer':
      return articleFor(decision.intent, lang, deps);
  }
}

/** The intent's article, or "no match" with the main topics when it has none. */
export function articleFor(
  intent: IntentId,
  lang: Lang,
  { answers, say }: Pick<DialogueDeps, 'say' | 'answers'>,
): Reply[] {
  const id = answers.intentArticleId(intent);
  return (
    (id && answers.article(id, lang)) || [text(say('no_match', lang)), choices(answers.mainTopics(lang))]
  );
}
