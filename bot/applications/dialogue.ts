import { type Reply, text } from '../../contracts/replies.js';
import type { Requester } from '../../flows/engine/index.js';
import type { Lang, NormalizedMessage } from '../../knowledge/index.js';
import { listChoices, type NoticeDeps, timelineReplies } from './notices.js';
import type { ApplicationRules, Words } from './rules.js';
import type { ApplicationService } from './service.js';

export const APPLICATION_FLOW = 'refund_application';
const NUMBER = /\bRA-?(\d{8})-?(\d{4,6})\b/i;

export type ApplicationIntent = { kind: 'start' } | { kind: 'status'; number?: string };

/**
 * A merchant's words about applications, before intents are asked: "申请退款" starts one, "申请进度"
 * or an RA number shows where one stands. Only for a signed-in merchant (a consumer saying
 * "申请退款" wants to know how it works); an RA number from anyone else is "not found".
 */
export class ApplicationDialogue {
  constructor(
    private readonly deps: {
      service: ApplicationService;
      rules: ApplicationRules;
      words: Words;
      notices: NoticeDeps;
    },
  ) {}

  match(message: NormalizedMessage, requester: Requester, lang: Lang): ApplicationIntent | undefined {
    const number = NUMBER.exec(message.raw);
    if (number) return { kind: 'status', number: `RA-${number[1]}-${number[2]}` };
    if (!requester.merchantNo) return undefined;
    const t = message.text.toLowerCase();
    const has = (list: string[]) => list.some((w) => t.includes(w));
    const { triggers } = this.deps.rules;
    const other: Lang = lang === 'zh' ? 'en' : 'zh';
    if (has(triggers.status[lang]) || has(triggers.status[other])) return { kind: 'status' };
    if (has(triggers.start[lang]) || has(triggers.start[other])) return { kind: 'start' };
    return undefined;
  }

  /** Where an application stands (or the merchant's latest ones to choose from). */
  async status(number: string | undefined, requester: Requester, lang: Lang): Promise<Reply[]> {
    const w = this.deps.words;
    if (number) {
      const found = await this.deps.service.timeline(number, requester.merchantNo ?? '\u0000');
      if (!found) return [text(w('not_found', lang, { number }))];
      return timelineReplies({ ...found.application, lang }, found.events, this.deps.notices);
    }
    const mine = await this.deps.service.mine(requester.merchantNo ?? '\u0000');
    const [latest, ...rest] = mine;
    if (!latest) return listChoices([], lang, w);
    const found = await this.deps.service.timeline(latest.number, requester.merchantNo);
    const shown = found
      ? timelineReplies({ ...found.application, lang }, found.events, this.deps.notices)
      : [];
    return rest.length
      ? [...shown, text(w('more_applications', lang)), ...listChoices(rest, lang, w)]
      : shown;
  }
}
