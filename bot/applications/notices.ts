import { card, choices, type Reply, text } from '../../contracts/replies.js';
import {
  type ArrivalMethod,
  estimateArrival,
  formatDay,
  formatYuan,
  type Lang,
  parseIsoDate,
  todayIn,
  type WorkingDays,
} from '../../knowledge/index.js';
import { arrivalMethodOf } from '../lookups/status.js';
import type { Application, ApplicationEvent } from './model.js';
import type { ApplicationRules, WordKey, Words } from './rules.js';

export interface NoticeDeps {
  words: Words;
  rules: ApplicationRules;
  calendar: WorkingDays;
  arrivalMethods: readonly ArrivalMethod[];
  hotline: (lang: Lang) => string;
  clock: () => Date;
}

/** The window the executed refund should arrive in, on the working-day calendar (the way it was paid). */
export function arrivalWindow(a: Application, deps: Omit<NoticeDeps, 'words' | 'rules' | 'hotline'>) {
  if (!a.refund) return undefined;
  const method = deps.arrivalMethods.find(
    (m) => m.id === arrivalMethodOf({ method: a.method } as Parameters<typeof arrivalMethodOf>[0]),
  );
  const day = parseIsoDate(a.refund.at.slice(0, 10)) ?? todayIn(new Date(a.refund.at));
  if (!method) return undefined;
  return estimateArrival(method, day, todayIn(deps.clock()), deps.calendar);
}

/** When the executed refund should arrive: the window's last day, as the merchant is told it. */
export function expectedArrival(a: Application, deps: NoticeDeps): string | undefined {
  const e = arrivalWindow(a, deps);
  if (!e) return undefined;
  const today = todayIn(deps.clock());
  return formatDay(e.latest, a.lang, today.year, today);
}

/** The settlement day the refund is deducted from: the acquirer's, or the next working day. */
export function settlementDay(a: Application, deps: NoticeDeps): string | undefined {
  if (!a.refund) return undefined;
  const today = todayIn(deps.clock());
  const given = a.refund.settlementDate && parseIsoDate(a.refund.settlementDate);
  const day = given || deps.calendar.addWorkingDays(todayIn(new Date(a.refund.at)), 1).date;
  return formatDay(day, a.lang, today.year, today);
}

function reasonLabel(a: Application, rules: ApplicationRules, lang: Lang): string {
  const label = rules.reasons.find((r) => r.id === a.reason)?.label[lang] ?? a.reason;
  return a.reasonText ? `${label}：${a.reasonText}` : label;
}

/** The application as the merchant sees it: a card, then its timeline, newest last. */
export function timelineReplies(a: Application, events: ApplicationEvent[], deps: NoticeDeps): Reply[] {
  const { words: w, rules } = deps;
  const lang = a.lang;
  const time = (iso: string) => {
    const d = new Date(iso);
    const local = new Date(d.getTime() + 8 * 3_600_000);
    const hh = String(local.getUTCHours()).padStart(2, '0');
    const mm = String(local.getUTCMinutes()).padStart(2, '0');
    return `${formatDay(todayIn(d), lang, todayIn(deps.clock()).year)} ${hh}:${mm}`;
  };
  const fields = [
    { label: w('field_status', lang), value: w(`status_${a.status}` as WordKey, lang) },
    { label: w('field_amount', lang), value: formatYuan(a.amountFen) },
    { label: w('field_reference', lang), value: a.reference },
    { label: w('field_reason', lang), value: reasonLabel(a, rules, lang) },
  ];
  if (a.status === 'rejected' && a.rejectReason)
    fields.push({ label: w('status_rejected', lang), value: a.rejectReason });
  const arrival = expectedArrival(a, deps);
  if (a.status === 'executed' && arrival) fields.push({ label: w('field_arrival', lang), value: arrival });
  const settlement = settlementDay(a, deps);
  if (a.status === 'executed' && settlement)
    fields.push({ label: w('field_settlement', lang), value: settlement });
  const lines = events
    .filter((e) => e.kind !== 'denied')
    .map((e) => {
      const extra =
        e.kind === 'rejected' && typeof e.data.reason === 'string'
          ? `：${e.data.reason}`
          : e.kind === 'info_requested' && typeof e.data.question === 'string'
            ? `：${e.data.question}`
            : e.kind === 'amended' && typeof e.data.toFen === 'number'
              ? ` ${formatYuan(e.data.toFen)}`
              : '';
      return `- ${time(e.at)} ${w(`event_${e.kind}` as WordKey, lang)}${extra}`;
    });
  return [card(w('timeline_title', lang, { number: a.number }), fields), text(lines.join('\n'))];
}

/** What the merchant's conversation is told of an event, if anything (the reviewers' steps are not). */
export function noticeFor(a: Application, event: ApplicationEvent, deps: NoticeDeps): Reply[] | undefined {
  const { words: w } = deps;
  const lang = a.lang;
  const number = a.number;
  switch (event.kind) {
    case 'approved':
      return [text(w('notify_approved', lang, { number }))];
    case 'rejected':
      return [text(w('notify_rejected', lang, { number, reason: a.rejectReason ?? '' }))];
    case 'info_requested':
      return [text(w('notify_asked', lang, { number, question: a.question ?? '' }))];
    case 'executed':
      return [
        text(
          w('notify_executed', lang, {
            number,
            refundNo: a.refund?.refundNo ?? '',
            arrival: expectedArrival(a, deps) ?? '',
            settlement: settlementDay(a, deps) ?? '',
          }),
        ),
      ];
    case 'execution_retry':
      return [text(w('notify_retrying', lang, { number }))];
    case 'failed':
      return [
        text(
          w('notify_failed', lang, {
            number,
            reason:
              typeof event.data.reason === 'string' ? event.data.reason : (a.refund?.failureReason ?? ''),
            hotline: deps.hotline(lang),
          }),
        ),
      ];
    default:
      return undefined;
  }
}

/** The merchant's applications as buttons (a status question with no number). */
export function listChoices(apps: Application[], lang: Lang, words: Words): Reply[] {
  if (!apps.length) return [text(words('no_applications', lang))];
  return [
    choices(
      apps.map((a) => ({
        label: `${a.number} · ${formatYuan(a.amountFen)} · ${words(`status_${a.status}` as WordKey, lang)}`,
        action: `application:${a.number}`,
      })),
    ),
  ];
}
