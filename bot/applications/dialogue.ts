import { type Reply, text } from '../../contracts/replies.js';
import type { Requester } from '../../flows/engine/index.js';
import { type Entities, formatYuan, type Lang, type NormalizedMessage } from '../../knowledge/index.js';
import { DECIDED } from './model.js';
import { listChoices, type NoticeDeps, timelineReplies } from './notices.js';
import type { ApplicationRules, WordKey, Words } from './rules.js';
import type { ApplicationService } from './service.js';

export const APPLICATION_FLOW = 'refund_application';
const NUMBER = /\bRA-?(\d{8})-?(\d{4,6})\b/i;

export type ApplicationIntent =
  | { kind: 'start' }
  | { kind: 'status'; number?: string }
  /** a new amount for an application already submitted (its number, or the merchant's open one) */
  | { kind: 'amend'; number?: string; amountFen: number };

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

  match(
    message: NormalizedMessage,
    requester: Requester,
    lang: Lang,
    entities: Pick<Entities, 'amount'> = {},
  ): ApplicationIntent | undefined {
    const found = NUMBER.exec(message.raw);
    const number = found ? `RA-${found[1]}-${found[2]}` : undefined;
    const t = message.text.toLowerCase();
    const has = (list: string[]) => list.some((w) => t.includes(w));
    const { triggers } = this.deps.rules;
    const other: Lang = lang === 'zh' ? 'en' : 'zh';
    if (requester.merchantNo && entities.amount && (has(triggers.amend[lang]) || has(triggers.amend[other])))
      return { kind: 'amend', ...(number && { number }), amountFen: entities.amount.fen };
    if (number) return { kind: 'status', number };
    if (!requester.merchantNo) return undefined;
    if (has(triggers.status[lang]) || has(triggers.status[other])) return { kind: 'status' };
    if (has(triggers.start[lang]) || has(triggers.start[other])) return { kind: 'start' };
    return undefined;
  }

  /** A new amount for a submitted application: a new version the reviewers see beside the old one. */
  async amend(
    wanted: { number?: string; amountFen: number },
    requester: Requester,
    lang: Lang,
  ): Promise<Reply[]> {
    const w = this.deps.words;
    const merchantNo = requester.merchantNo ?? '\u0000';
    const number =
      wanted.number ?? (await this.deps.service.mine(merchantNo)).find((a) => !DECIDED.has(a.status))?.number;
    if (!number) return [text(w('amend_none', lang))];
    const before = await this.deps.service.timeline(number, merchantNo);
    if (!before) return [text(w('not_found', lang, { number }))];
    const result = await this.deps.service.amend(number, { merchantNo }, wanted.amountFen);
    switch (result.outcome) {
      case 'not_found':
        return [text(w('not_found', lang, { number }))];
      case 'invalid':
        return [text(result.message)];
      case 'already_decided':
        return [
          text(
            w('amend_decided', lang, {
              number,
              status: w(`status_${result.application.status}` as WordKey, lang),
            }),
          ),
        ];
      default:
        if (!('application' in result)) return [text(w('not_found', lang, { number }))];
        return [
          text(
            w('amended', lang, {
              number,
              amount: formatYuan(result.application.amountFen),
              previous: formatYuan(before.application.amountFen),
              version: String(result.application.version),
            }),
          ),
        ];
    }
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
