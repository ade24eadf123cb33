import { maskSensitive } from '../../contracts/masking.js';
import { card, type Reply, text } from '../../contracts/replies.js';
import {
  type ApplicationPort,
  type ApplicationStepRequest,
  type ApplicationStepResult,
  type ProofDocument,
  proofOf,
} from '../../flows/engine/index.js';
import { formatYuan, type Lang } from '../../knowledge/index.js';
import type { Transaction } from '../lookups/gateway.js';
import type { ApplicationRules, Draft, Words } from './rules.js';
import type { ApplicationService, Submitter } from './service.js';

const METHOD: Record<Transaction['method'], { zh: string; en: string }> = {
  debit_card: { zh: '借记卡', en: 'debit card' },
  credit_card: { zh: '信用卡', en: 'credit card' },
  unionpay_qr: { zh: '云闪付扫码', en: 'UnionPay QR' },
  wechat: { zh: '微信支付', en: 'WeChat Pay' },
  alipay: { zh: '支付宝', en: 'Alipay' },
};

/**
 * The refund-application flow's steps (flows/refund-application.yml): each finds the payment again
 * (the acquirer's word, not an old copy), so what the merchant is told is what is true now.
 */
export class ApplicationSteps implements ApplicationPort {
  constructor(
    private readonly deps: {
      service: ApplicationService;
      rules: ApplicationRules;
      words: Words;
      windowDays: number;
    },
  ) {}

  async step(request: ApplicationStepRequest): Promise<ApplicationStepResult> {
    const { lang, requester } = request;
    const w = this.deps.words;
    if (!requester.merchantNo)
      return { outcome: 'refused', facts: {}, replies: [text(w('not_merchant', lang))] };
    const who: Submitter = {
      merchantNo: requester.merchantNo,
      conversationId: requester.conversationId,
      channel: requester.channel,
      lang,
      ...(requester.address && { address: requester.address }),
    };
    if (request.step === 'answer') return this.answer(request, who);
    if (request.step === 'amount') return this.amount(request);
    const reference = String(request.slots.reference ?? '');
    if (request.step === 'submit') return this.submit(request, who, reference);
    const found = await this.deps.service.findPayment(reference, who);
    if (found.outcome === 'not_found')
      return {
        outcome: 'not_found',
        facts: {},
        replies: [text(w('other_merchant', lang))],
        clear: ['reference'],
      };
    if (found.outcome === 'unavailable')
      return { outcome: 'unavailable', facts: {}, replies: [text(w('unavailable', lang))] };
    const t = found.transaction;
    if (request.step === 'assess') return this.assess(t, lang);
    return this.precheck(request, t);
  }

  private assess(t: Transaction, lang: Lang): ApplicationStepResult {
    const w = this.deps.words;
    const a = this.deps.service.assess(t, lang);
    const facts = {
      'application.reference': t.reference,
      'application.remaining_fen': t.amountFen - t.refundedFen,
      'application.remaining': formatYuan(t.amountFen - t.refundedFen),
    };
    const payment = card(`${t.merchantName ?? t.merchantNo} · ${t.reference}`, [
      { label: lang === 'zh' ? '交易金额' : 'Paid', value: formatYuan(t.amountFen) },
      ...(t.refundedFen
        ? [{ label: lang === 'zh' ? '已退' : 'Refunded so far', value: formatYuan(t.refundedFen) }]
        : []),
      { label: w('field_remaining', lang), value: formatYuan(t.amountFen - t.refundedFen) },
      {
        label: lang === 'zh' ? '支付方式' : 'Paid by',
        value: `${METHOD[t.method][lang]}${t.cardMasked ? ` ${t.cardMasked}` : ''}`,
      },
      { label: lang === 'zh' ? '交易时间' : 'Time', value: t.tradeTime.slice(0, 16).replace('T', ' ') },
    ]);
    if (a.outcome === 'refused') return { outcome: 'refused', facts, replies: [payment, text(a.message)] };
    if (a.outcome === 'void')
      return { outcome: 'void', facts, replies: [payment, text(w('void_instead', lang))] };
    return { outcome: 'refundable', facts, replies: [payment] };
  }

  /** The amount against what the payment had left when it was assessed: said at once, asked again. */
  private amount(request: ApplicationStepRequest): ApplicationStepResult {
    const w = this.deps.words;
    const lang = request.lang;
    const remainingFen = Number(request.facts['application.remaining_fen'] ?? 0);
    const fen = Number(request.slots.amount ?? 0);
    if (!Number.isInteger(fen) || fen <= 0)
      return { outcome: 'amount', facts: {}, replies: [text(w('amount_zero', lang))], clear: ['amount'] };
    if (fen > remainingFen)
      return {
        outcome: 'amount',
        facts: {},
        replies: [
          text(w('amount_over', lang, { amount: formatYuan(fen), remaining: formatYuan(remainingFen) })),
        ],
        clear: ['amount'],
      };
    return { outcome: 'ok', facts: { 'application.amount': formatYuan(fen) }, replies: [] };
  }

  private draft(
    request: ApplicationStepRequest,
    remainingFen: number,
  ): Omit<Draft, 'proof'> & { proof: ProofDocument[]; contact?: string } {
    const { slots } = request;
    const amountFen =
      slots.portion === 'full' && slots.amount === undefined ? remainingFen : Number(slots.amount ?? 0);
    const reasonText = typeof slots.reason_text === 'string' ? slots.reason_text : undefined;
    const contact = typeof slots.contact === 'string' ? maskSensitive(slots.contact) : undefined;
    return {
      amountFen,
      reason: String(slots.reason ?? 'other'),
      ...(reasonText && { reasonText }),
      proof: proofOf(request),
      ...(contact && { contact }),
    };
  }

  private async precheck(request: ApplicationStepRequest, t: Transaction): Promise<ApplicationStepResult> {
    const { lang } = request;
    const w = this.deps.words;
    const draft = this.draft(request, t.amountFen - t.refundedFen);
    const checked = await this.deps.service.check(draft, t, lang);
    if ('refused' in checked) return { outcome: 'refused', facts: {}, replies: [text(checked.refused)] };
    const facts = {
      'application.amount': formatYuan(draft.amountFen),
      'application.proof_count': draft.proof.length,
    };
    if (!checked.ok) {
      const clear =
        checked.failed === 'amount'
          ? ['amount']
          : checked.failed === 'proof'
            ? ['proof']
            : checked.failed === 'reason_text'
              ? ['reason_text']
              : [];
      return { outcome: checked.failed ?? 'refused', facts, replies: [text(checked.message ?? '')], clear };
    }
    const reason = this.deps.rules.reasons.find((r) => r.id === draft.reason)?.label[lang] ?? draft.reason;
    const summary = card(w('summary_title', lang), [
      { label: w('field_reference', lang), value: t.reference },
      { label: w('field_amount', lang), value: formatYuan(draft.amountFen) },
      { label: w('field_reason', lang), value: draft.reasonText ? `${reason}：${draft.reasonText}` : reason },
      {
        label: w('field_proof', lang),
        value: draft.proof.map((p) => p.name).join('、') || w('proof_none', lang),
      },
      ...(draft.contact ? [{ label: w('field_contact', lang), value: draft.contact }] : []),
    ]);
    const results = checked.results.map((r) => `${r.ok ? '✓' : '✗'} ${r.detail}`).join('\n');
    return { outcome: 'ok', facts, replies: [summary, text(`${w('check_ok', lang)}\n${results}`)] };
  }

  private async submit(
    request: ApplicationStepRequest,
    who: Submitter,
    reference: string,
  ): Promise<ApplicationStepResult> {
    const w = this.deps.words;
    const lang = request.lang;
    const d = this.draft(request, Number(request.facts['application.remaining_fen'] ?? 0));
    const result = await this.deps.service.submit({ reference, ...d }, who);
    switch (result.outcome) {
      case 'submitted':
        return {
          outcome: 'submitted',
          facts: { 'application.number': result.application.number },
          replies: [text(w('submitted', lang, { number: result.application.number }))],
        };
      case 'refused':
        return { outcome: 'refused', facts: {}, replies: [text(result.message)] };
      case 'not_found':
        return { outcome: 'refused', facts: {}, replies: [text(w('other_merchant', lang))] };
      default:
        return { outcome: 'unavailable', facts: {}, replies: [text(w('unavailable', lang))] };
    }
  }

  private async answer(request: ApplicationStepRequest, who: Submitter): Promise<ApplicationStepResult> {
    const number = String(request.facts['application.number'] ?? '');
    const replied = await this.deps.service.answer(number, who, {
      text: String(request.slots.answer ?? ''),
      proof: proofOf(request),
    });
    const replies: Reply[] =
      replied === 'answered'
        ? [text(this.deps.words('notify_answered', request.lang))]
        : [text(this.deps.words('not_found', request.lang, { number }))];
    return { outcome: replied, facts: {}, replies };
  }
}
