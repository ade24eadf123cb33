import type { types } from '@slack/bolt';
import type { ApplicationEvent, RejectReason, ReviewView } from '../../../bot/applications/index.js';
import type { Say } from '../../../bot/messages.js';
import { formatYuan, type Lang } from '../../../knowledge/index.js';
import { mrkdwn, plain } from './blocks.js';
import { escapeMrkdwn } from './mrkdwn.js';
import type { WordKey, Words } from './words.js';

type Block = types.KnownBlock;

/** What Slack sends back from a review card and its modals. */
export const REVIEW = {
  approve: 'review_approve',
  reject: 'review_reject',
  ask: 'review_ask',
  rejectModal: 'review_reject_modal',
  askModal: 'review_ask_modal',
} as const;

/** A button's value: the application and the version the reviewer saw (an amendment makes it stale). */
export const cardValue = (number: string, version: number) => `${number}|${version}`;
export function parseCardValue(value: string): { number: string; version?: number } {
  const [number = '', v] = value.split('|', 2);
  const version = Number(v);
  return { number, ...(Number.isInteger(version) && version > 0 && { version }) };
}

const field = (name: string, value: string) => mrkdwn(`*${escapeMrkdwn(name)}*\n${value}`);
/** The payment's words (method, status) as the status card says them: knowledge/messages.yml. */
const label = (say: Say, key: string, lang: Lang) => say(key as Parameters<Say>[0], lang);

/** China time, minutes: what the reviewers, the merchant and the acquirer all read. */
export function chinaTime(iso: string): string {
  return new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

const statusWord = (w: Words, status: string) => w(`reviewStatus_${status}` as WordKey);
const EMOJI: Record<string, string> = {
  submitted: '📝',
  in_review: '🕵️',
  approved: '⏳',
  rejected: '⛔',
  executed: '✅',
  failed: '❗',
};

/**
 * The card of one application in the review channel, kept up to date: who and what, the payment as
 * the acquirer reports it now, the pre-check, the proof as signed links, and the decision buttons
 * while a decision is still possible.
 */
export function reviewBlocks(view: ReviewView, w: Words, lang: Lang, say: Say): Block[] {
  const a = view.application;
  const t = view.transaction;
  const title = `${EMOJI[a.status] ?? ''} ${w('reviewTitle', { number: a.number })} · ${statusWord(w, a.status)}`;
  const payment = [
    a.reference,
    label(say, `method_${a.method}`, lang) + (a.cardMasked ? ` ${a.cardMasked}` : ''),
    chinaTime(a.tradeTime),
    formatYuan(a.originalAmountFen),
  ].join(' · ');
  const amount =
    `*${formatYuan(a.amountFen)}*` +
    (view.previous
      ? ` ${w('reviewPrevious', { amount: formatYuan(view.previous.amountFen), version: view.previous.version })}`
      : '');
  const remaining = view.remainingFen ?? a.originalAmountFen - a.refundedBeforeFen;
  const live = t
    ? `${label(say, `tx_${t.status}`, lang)} · ${formatYuan(t.refundedFen)} ↩︎`
    : `_${w('reviewLiveMissing')}_`;
  const reason =
    escapeMrkdwn(view.reasonLabel[lang]) + (a.reasonText ? `\n> ${escapeMrkdwn(a.reasonText)}` : '');
  const proof = view.proofLinks.length
    ? view.proofLinks
        .map((p) =>
          p.url ? `<${p.url}|${escapeMrkdwn(p.name)}>` : `${escapeMrkdwn(p.name)} ${w('linkMissing')}`,
        )
        .join('\n')
    : w('reviewProofNone');
  const blocks: Block[] = [
    { type: 'header', text: plain(title) },
    {
      type: 'section',
      fields: [
        field(w('reviewMerchant'), escapeMrkdwn(`${a.merchantName ?? ''} ${a.merchantNo}`.trim())),
        field(w('reviewPayment'), escapeMrkdwn(payment)),
        field(w('reviewAmount'), amount),
        field(w('reviewRemaining'), formatYuan(remaining)),
        field(w('reviewLive'), live),
        field(w('reviewReason'), reason),
        field(w('reviewContact'), escapeMrkdwn(a.contact ?? '—')),
        field(w('reviewProof'), proof),
      ],
    },
    {
      type: 'section',
      text: mrkdwn(
        `*${escapeMrkdwn(w('reviewPrecheck'))}*\n` +
          a.precheck.map((r) => `${r.ok ? '✅' : '⚠️'} ${escapeMrkdwn(r.detail)}`).join('\n'),
      ),
    },
  ];
  const notes: string[] = [];
  if (view.approvalsNeeded > 1) notes.push(w('reviewFourEyes', { limit: formatYuan(view.fourEyesAboveFen) }));
  if (a.approvals.length)
    notes.push(
      `${w('reviewApprovals', { count: a.approvals.length, needed: view.approvalsNeeded })}: ${a.approvals
        .map((x) => `<@${x.reviewer}>`)
        .join(', ')}`,
    );
  if (a.question) notes.push(w('reviewQuestion', { question: escapeMrkdwn(a.question) }));
  if (a.decidedBy && a.decidedAt)
    notes.push(
      w('reviewDecidedBy', {
        status: statusWord(w, a.status),
        user: a.decidedBy,
        at: chinaTime(a.decidedAt),
      }),
    );
  if (a.status === 'rejected' && a.rejectReason) notes.push(`> ${escapeMrkdwn(a.rejectReason)}`);
  if (a.refund)
    notes.push(
      w('reviewRefund', {
        refundNo: a.refund.refundNo,
        amount: formatYuan(a.refund.amountFen),
        status: label(say, `refund_${a.refund.status}`, lang),
      }),
    );
  if (notes.length) blocks.push({ type: 'context', elements: [mrkdwn(notes.join('\n'))] });
  if (a.status === 'in_review' || a.status === 'submitted') {
    const value = cardValue(a.number, a.version);
    blocks.push({
      type: 'actions',
      block_id: `review:${a.number}`,
      elements: [
        {
          type: 'button',
          text: plain(w('reviewApprove')),
          action_id: REVIEW.approve,
          value,
          style: 'primary',
        },
        { type: 'button', text: plain(w('reviewReject')), action_id: REVIEW.reject, value, style: 'danger' },
        { type: 'button', text: plain(w('reviewAsk')), action_id: REVIEW.ask, value },
      ],
    });
  }
  return blocks;
}

/** The card's plain text (notifications, screen readers). */
export function reviewText(view: ReviewView, w: Words): string {
  const a = view.application;
  return `${w('reviewTitle', { number: a.number })} · ${formatYuan(a.amountFen)} · ${statusWord(w, a.status)}`;
}

/** One line in the card's thread for what just happened; undefined for steps the card alone shows. */
export function eventLine(e: ApplicationEvent, w: Words, lang: Lang, say: Say): string | undefined {
  const d = e.data;
  const s = (k: string) => escapeMrkdwn(String(d[k] ?? ''));
  const user = e.actor ?? '';
  switch (e.kind) {
    case 'approval_recorded':
      return Number(d.count) < Number(d.needed)
        ? w('eventApproval', { user, count: s('count'), needed: s('needed') })
        : undefined;
    case 'approved':
      return w('eventApproved', { user });
    case 'rejected':
      return w('eventRejected', { user, reason: s('reason') });
    case 'info_requested':
      return w('eventAsked', { user, question: s('question') });
    case 'info_given':
      return w('eventAnswered', { text: s('text'), documents: s('documents') });
    case 'amended':
      return w('eventAmended', {
        from: formatYuan(Number(d.fromFen)),
        to: formatYuan(Number(d.toFen)),
        version: s('version'),
      });
    case 'execution_retry':
      return w('reviewRetrying', { reason: s('reason') });
    case 'executed':
      return w('eventExecuted', {
        refundNo: s('refundNo'),
        amount: formatYuan(Number(d.amountFen)),
        status: label(say, `refund_${String(d.status)}`, lang),
      });
    case 'failed':
      return w('eventFailed', { reason: s('reason') || s('status') });
    default:
      return undefined;
  }
}

/** Private to a modal: which card it came from and what version the reviewer saw. */
export interface ModalMetadata {
  number: string;
  version?: number;
  channel?: string;
  ts?: string;
}

export function rejectModal(
  meta: ModalMetadata,
  reasons: readonly RejectReason[],
  w: Words,
  lang: Lang,
): types.View {
  return {
    type: 'modal',
    callback_id: REVIEW.rejectModal,
    private_metadata: JSON.stringify(meta),
    title: plain(w('rejectModalTitle'), 24),
    submit: plain(w('modalSubmit'), 24),
    close: plain(w('modalCancel'), 24),
    blocks: [
      { type: 'context', elements: [mrkdwn(w('reviewTitle', { number: meta.number }))] },
      {
        type: 'input',
        block_id: 'reason',
        label: plain(w('rejectModalReason')),
        element: {
          type: 'static_select',
          action_id: 'value',
          options: reasons.map((r) => ({ text: plain(r.label[lang], 75), value: r.id })),
        },
      },
      {
        type: 'input',
        block_id: 'note',
        optional: true,
        label: plain(w('rejectModalNote')),
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 500 },
      },
    ],
  };
}

export function askModal(meta: ModalMetadata, w: Words): types.View {
  return {
    type: 'modal',
    callback_id: REVIEW.askModal,
    private_metadata: JSON.stringify(meta),
    title: plain(w('askModalTitle'), 24),
    submit: plain(w('modalSubmit'), 24),
    close: plain(w('modalCancel'), 24),
    blocks: [
      { type: 'context', elements: [mrkdwn(w('reviewTitle', { number: meta.number }))] },
      {
        type: 'input',
        block_id: 'question',
        label: plain(w('askModalQuestion')),
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          multiline: true,
          min_length: 2,
          max_length: 500,
        },
      },
    ],
  };
}
