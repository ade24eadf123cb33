import {
  type Content,
  type Lang,
  loadContent,
  type SegmenterKind,
  Understander,
} from '../knowledge/index.js';
import { Assistant } from './assistant.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { ConversationStore } from './state/conversations.js';
import { StateStore } from './state/keyv.js';

export interface App {
  config: Config;
  content: Content;
  understander: Understander;
  assistant: Assistant;
  store: ConversationStore;
  state: StateStore;
  articleUrl: (id: string, lang: Lang) => string;
  close(): Promise<void>;
}

export interface AppOptions {
  segmenter?: SegmenterKind;
  clock?: () => Date;
}

/** The composition root: content → understanding → state → assistant. Channels are added on top. */
export async function createApp(config: Config, logger: Logger, options: AppOptions = {}): Promise<App> {
  const content = loadContent({ refundWindowDays: config.REFUND_WINDOW_DAYS });
  const understander = await Understander.create(content, { segmenter: options.segmenter ?? 'icu' });
  const state = new StateStore({ dataDir: config.dataDir, redisUrl: config.REDIS_URL, logger });
  const store = new ConversationStore({
    keyv: state.namespace('conversation'),
    ttlMs: config.CONVERSATION_TTL_HOURS * 3_600_000,
    logger,
  });
  const base = config.PUBLIC_BASE_URL?.replace(/\/+$/, '') ?? '';
  const articleUrl = (id: string, lang: Lang) => `${base}/kb/${lang}/${encodeURIComponent(id)}`;
  const assistant = new Assistant({
    content,
    understander,
    store,
    logger,
    maxMessageChars: config.MAX_MESSAGE_CHARS,
    articleUrl,
    ...(options.clock && { clock: options.clock }),
  });
  return {
    config,
    content,
    understander,
    assistant,
    store,
    articleUrl,
    state,
    close: () => state.close(),
  };
}
