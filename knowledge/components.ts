import type { Lang } from './content/schemas.js';
import type { DomainGate, DomainGateInput, DomainVerdict } from './domain/gate.js';
import { type Entities, extractEntities } from './entities/index.js';
import type { IntentResult } from './intent/model.js';
import type { KnowledgeSearch, SearchHit } from './search/search.js';
import { detectLanguage, type NormalizedMessage, normalizeMessage } from './text/index.js';

/**
 * The one contract every understanding component keeps, in the spirit of Rasa's graph components:
 * created once from configuration and content, then one pure `process` call per message. The
 * Understander runs them in order and names the one that failed (ComponentError), so a broken
 * content file or a parser's exception points at its component, not at "understanding".
 */
export interface Component<In, Out> {
  readonly name: string;
  process(input: In): Out;
}

export class ComponentError extends Error {
  override name = 'ComponentError';
  constructor(
    readonly component: string,
    cause: unknown,
  ) {
    super(`understanding component "${component}" failed: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
  }
}

/** Runs one component's call, naming it when it throws. */
export function run<In, Out>(c: Component<In, Out>, input: In): Out {
  try {
    return c.process(input);
  } catch (e) {
    throw e instanceof ComponentError ? e : new ComponentError(c.name, e);
  }
}

export const normalizer: Component<string, NormalizedMessage> = {
  name: 'normalizer',
  process: normalizeMessage,
};

export const languageDetector: Component<string, Lang | undefined> = {
  name: 'language',
  process: detectLanguage,
};

/** knowledge/entities is another folder's: wrapped as it is. */
export const entityExtractor: Component<{ keepCase: string; now: Date }, Entities> = {
  name: 'entities',
  process: ({ keepCase, now }) => extractEntities(keepCase, now),
};

export interface IntentClassifier extends Component<readonly string[], IntentResult> {}

export function intentComponent(model: {
  classify(tokens: readonly string[]): IntentResult;
}): IntentClassifier {
  return { name: 'intent', process: (tokens) => model.classify(tokens) };
}

export function gateComponent(gate: DomainGate): Component<DomainGateInput, DomainVerdict> {
  return { name: 'domain', process: (input) => gate.process(input) };
}

export function searchComponent(
  search: KnowledgeSearch,
): Component<{ words: readonly string[]; lang: Lang; limit?: number }, SearchHit[]> {
  return {
    name: 'search',
    process: ({ words, lang, limit = 3 }) => search.searchTokens(words, { lang, limit }),
  };
}
