import type { Logger } from '../../contracts/logger.js';
import { maskSensitive } from '../../contracts/masking.js';
import type { Attachment } from '../../contracts/messages.js';
import { formatDate, formatYuan, type Lang, todayIn } from '../../knowledge/index.js';
import type { InsightsSink } from '../insights/events.js';
import type { PaymentGateway, Transaction } from '../lookups/gateway.js';
import type { AuditSink } from '../ports.js';
import type { MerchantInbox } from './inbox.js';
import { type Application, type ApplicationEvent, DECIDED, type EventKind, outRefundNoOf } from './model.js';
import type { ApplicationStore, Change, NewEvent } from './ports.js';
import type {
  ApplicationReview,
  DecisionResult,
  Rejection,
  RejectReason,
  ReviewDesk,
  Reviewer,
  ReviewView,
} from './review.js';
import {
  type ApplicationRules,
  assess,
  type CheckOutcome,
  type Draft,
  precheck,
  type Words,
} from './rules.js';

export interface ApplicationServiceDeps {
  store: ApplicationStore;
  gateway: PaymentGateway;
  rules: ApplicationRules;
  words: Words;
  refundWindowDays: number;
  fourEyesAboveFen: number;
  /** Slack user ids who may decide; empty: nobody in Slack (operators still can, at the CLI). */
  reviewers: readonly string[];
  /** The hotline named when a person must take over (past the window, a failed refund). */
  hotline: (lang: Lang) => string;
  inbox: MerchantInbox;
  audit: AuditSink;
  /** A signed link to an upload, for reviewers; undefined without a public URL. */
  proofLink: (document: Attachment) => string | undefined;
  logger: Logger;
  clock: () => Date;
  /** Submissions, pre-check refusals and decisions (bot/insights). */
  insights?: InsightsSink;
}

/** Who submits: a signed-in merchant, in one conversation. */
export interface Submitter {
  merchantNo: string;
  conversationId: string;
  channel: string;
  lang: Lang;
  address?: string;
}

export interface SubmitRequest extends Draft {
  reference: string;
  contact?: string;
  proof: Attachment[];
}

export type FoundPayment =
  | { outcome: 'found'; transaction: Transaction }
  | { outcome: 'not_found' }
  | { outcome: 'unavailable' };

export type SubmitResult =
  | { outcome: 'submitted'; application: Application }
  | { outcome: 'refused'; message: string; failed?: CheckOutcome['failed'] }
  | { outcome: 'not_found' }
  | { outcome: 'unavailable' };

const OPEN = ['submitted', 'in_review', 'approved'] as const;

/**
 * Refund applications from submission to decision: the pre-check (rules in
 * knowledge/applications.yml), the reviewers' actions with the same rules in Slack and at the CLI
 * (allow-list, four-eyes, decided once), the merchant told of every change. Execution is
 * RefundExecutor's (the outbox this service fills on approval).
 */
export class ApplicationService implements ApplicationReview {
  private desk: ReviewDesk | undefined;

  constructor(private readonly deps: ApplicationServiceDeps) {}

  /** The review desk (Slack) is created after the service; until then nobody is told. */
  attachDesk(desk: ReviewDesk | undefined): void {
    this.desk = desk;
  }

  get store(): ApplicationStore {
    return this.deps.store;
  }

  /** The merchant's own payment, by reference: another merchant's is "not found", and audited. */
  async findPayment(reference: string, who: Submitter): Promise<FoundPayment> {
    const found = await this.live(reference, who.merchantNo);
    const outcome =
      found.outcome === 'found' && found.transaction.merchantNo !== who.merchantNo ? 'denied' : found.outcome;
    await this.audit(who, 'application.find', { reference }, outcome);
    return outcome === 'denied' ? { outcome: 'not_found' } : found;
  }

  /** The payment as the acquirer reports it now, with what its refunds have taken. */
  private async live(reference: string, merchantNo: string): Promise<FoundPayment> {
    const result = await this.deps.gateway.findTransaction({ reference, merchantNo });
    if (result.outcome !== 'found') return { outcome: result.outcome };
    // what remains is what the refunds say (a trade query does not carry it): voids take it all,
    // refunds under way count, failed ones do not
    const refunds = await this.deps.gateway.listRefunds(result.value);
    if (refunds.outcome === 'unavailable') return { outcome: 'unavailable' };
    const t = result.value;
    const taken =
      refunds.outcome === 'found'
        ? refunds.value
            .filter((r) => r.status !== 'failed')
            .reduce((n, r) => n + (r.kind === 'void' ? t.amountFen : r.amountFen), 0)
        : t.refundedFen;
    return {
      outcome: 'found',
      transaction: { ...t, refundedFen: Math.min(t.amountFen, Math.max(taken, t.refundedFen)) },
    };
  }

  /** The open application for a payment, if any (the duplicate rule). */
  async openFor(reference: string): Promise<Application | undefined> {
    return (await this.deps.store.list({ reference, status: OPEN, limit: 1 }))[0];
  }

  /** What may be done with the payment (the flow's first step): a refusal is recorded. */
  assess(t: Transaction, lang: Lang) {
    const a = this.assessed(t, lang);
    if (a.outcome === 'refused') this.refused(a.rule, lang);
    return a;
  }

  private refused(rule: string, lang: Lang): void {
    this.deps.insights?.record({ kind: 'application_refused', lang, outcome: rule });
  }

  private assessed(t: Transaction, lang: Lang) {
    return assess(t, {
      now: this.deps.clock(),
      windowDays: this.deps.refundWindowDays,
      lang,
      words: this.deps.words,
      hotline: this.deps.hotline(lang),
    });
  }

  /** The pre-check of a draft against the payment as the acquirer reports it now. */
  async check(draft: Draft, t: Transaction, lang: Lang): Promise<CheckOutcome | { refused: string }> {
    const a = this.assessed(t, lang);
    if (a.outcome === 'refused') {
      this.refused(a.rule, lang);
      return { refused: a.message };
    }
    if (a.outcome === 'void') return { refused: this.deps.words('void_instead', lang) };
    const open = await this.openFor(t.reference);
    const checked = precheck(draft, {
      remainingFen: a.remainingFen,
      ageDays: a.ageDays,
      windowDays: this.deps.refundWindowDays,
      ...(open && { openApplication: open.number }),
      lang,
      rules: this.deps.rules,
      words: this.deps.words,
    });
    if (!checked.ok) this.refused(checked.results.find((r) => !r.ok)?.rule ?? 'unknown', lang);
    return checked;
  }

  /** Checked again against a fresh look-up, then written: in review, on the desk, numbered. */
  async submit(request: SubmitRequest, who: Submitter): Promise<SubmitResult> {
    const found = await this.findPayment(request.reference, who);
    if (found.outcome !== 'found') return found;
    const t = found.transaction;
    const draft: Draft = {
      amountFen: request.amountFen,
      reason: request.reason,
      ...(request.reasonText && { reasonText: maskSensitive(request.reasonText) }),
      proof: request.proof,
    };
    const checked = await this.check(draft, t, who.lang);
    if ('refused' in checked) return { outcome: 'refused', message: checked.refused };
    if (!checked.ok)
      return {
        outcome: 'refused',
        message: checked.message ?? '',
        ...(checked.failed && { failed: checked.failed }),
      };
    const now = this.deps.clock();
    const at = now.toISOString();
    const number = await this.deps.store.nextNumber(now);
    const application: Application = {
      number,
      version: 1,
      status: 'in_review',
      merchantNo: t.merchantNo,
      termNo: t.termNo,
      ...(t.merchantName && { merchantName: t.merchantName }),
      reference: t.reference,
      method: t.method,
      ...(t.cardMasked && { cardMasked: t.cardMasked }),
      tradeTime: t.tradeTime,
      originalAmountFen: t.amountFen,
      refundedBeforeFen: t.refundedFen,
      amountFen: request.amountFen,
      reason: request.reason,
      ...(draft.reasonText && { reasonText: draft.reasonText }),
      proof: request.proof.map((p) => ({ ...p, name: maskSensitive(p.name) })),
      ...(request.contact && { contact: maskSensitive(request.contact) }),
      lang: who.lang,
      channel: who.channel,
      conversationId: who.conversationId,
      precheck: checked.results,
      approvals: [],
      outRefundNo: outRefundNoOf(number),
      createdAt: at,
      updatedAt: at,
    };
    const events: NewEvent[] = [
      {
        at,
        kind: 'submitted',
        role: 'merchant',
        actor: who.merchantNo,
        data: { amountFen: request.amountFen, reason: request.reason },
      },
      { at, kind: 'prechecked', role: 'system', data: { passed: checked.results.every((r) => r.ok) } },
      { at, kind: 'in_review', role: 'system', data: {} },
    ];
    const created = await this.deps.store.create(application, events);
    if (!created.created)
      return {
        outcome: 'refused',
        failed: 'duplicate',
        message: this.deps.words('duplicate', who.lang, { existing: created.existing.number }),
      };
    await this.audit(who, 'application.submit', { reference: t.reference, application: number }, 'submitted');
    this.deps.insights?.record({
      kind: 'application_submitted',
      channel: who.channel,
      lang: who.lang,
      conversationId: who.conversationId,
      subject: number,
    });
    await this.tellDesk(number, (view) => this.desk?.opened(view));
    return { outcome: 'submitted', application };
  }

  /** The merchant's applications, newest first (a merchant sees only their own). */
  mine(merchantNo: string, limit = 5): Promise<Application[]> {
    return this.deps.store.list({ merchantNo, limit });
  }

  /** One application with its timeline, if it is this merchant's (undefined otherwise: nothing revealed). */
  async timeline(
    number: string,
    merchantNo: string | undefined,
  ): Promise<{ application: Application; events: ApplicationEvent[] } | undefined> {
    const application = await this.deps.store.get(number);
    if (!application || (merchantNo !== undefined && application.merchantNo !== merchantNo)) return undefined;
    return { application, events: await this.deps.store.events(number) };
  }

  rejectReasons(): readonly RejectReason[] {
    return this.deps.rules.rejectReasons;
  }

  async unfinished(limit: number): Promise<string[]> {
    const open = await this.deps.store.list({ status: OPEN, limit });
    return open.map((a) => a.number);
  }

  mayDecide(reviewer: Reviewer): boolean {
    return reviewer.channel === 'cli' || this.deps.reviewers.includes(reviewer.id);
  }

  approvalsNeeded(a: Pick<Application, 'amountFen'>): number {
    return a.amountFen > this.deps.fourEyesAboveFen ? 2 : 1;
  }

  async view(number: string): Promise<ReviewView | undefined> {
    const application = await this.deps.store.get(number);
    if (!application) return undefined;
    const events = await this.deps.store.events(number);
    const found = await this.live(application.reference, application.merchantNo).catch(() => undefined);
    const transaction = found?.outcome === 'found' ? found.transaction : undefined;
    const amended = [...events].reverse().find((e) => e.kind === 'amended');
    const reason = this.deps.rules.reasons.find((r) => r.id === application.reason);
    return {
      reasonLabel: reason?.label ?? { zh: application.reason, en: application.reason },
      application,
      events,
      ...(transaction && { transaction, remainingFen: transaction.amountFen - transaction.refundedFen }),
      approvalsNeeded: this.approvalsNeeded(application),
      fourEyesAboveFen: this.deps.fourEyesAboveFen,
      ...(amended &&
        typeof amended.data.fromFen === 'number' && {
          previous: { version: application.version - 1, amountFen: amended.data.fromFen },
        }),
      proofLinks: application.proof.map((p) => {
        const url = this.deps.proofLink(p);
        return { name: p.name, ...(url && { url }) };
      }),
    };
  }

  approve(number: string, reviewer: Reviewer, options: { version?: number } = {}): Promise<DecisionResult> {
    return this.decide(number, reviewer, (a, at) => {
      if (options.version !== undefined && options.version !== a.version) return 'stale';
      if (a.approvals.some((x) => x.reviewer === reviewer.id)) return 'same_reviewer';
      const approvals = [
        ...a.approvals,
        { reviewer: reviewer.id, ...(reviewer.name && { name: reviewer.name }), at },
      ];
      const needed = this.approvalsNeeded(a);
      const base = { ...a, approvals, updatedAt: at };
      const recorded: NewEvent = {
        at,
        kind: 'approval_recorded',
        role: 'reviewer',
        actor: reviewer.id,
        data: { count: approvals.length, needed },
      };
      if (approvals.length < needed) return { application: base, events: [recorded] };
      return {
        application: { ...base, status: 'approved', decidedBy: reviewer.id, decidedAt: at },
        events: [recorded, { at, kind: 'approved', role: 'reviewer', actor: reviewer.id, data: {} }],
        job: 'enqueue',
      };
    });
  }

  reject(number: string, reviewer: Reviewer, why: Rejection): Promise<DecisionResult> {
    const note = maskSensitive((typeof why === 'string' ? why : (why.note ?? '')).trim()).slice(0, 500);
    const listed =
      typeof why === 'string' ? undefined : this.rejectReasons().find((r) => r.id === why.reason);
    if (typeof why !== 'string' && !listed)
      return Promise.resolve({ outcome: 'invalid', message: `unknown reason ${why.reason}` });
    if (!note && (!listed || listed.note === 'required'))
      return Promise.resolve({ outcome: 'invalid', message: 'a reason is needed' });
    return this.decide(number, reviewer, (a, at) => {
      // the merchant reads a listed reason in their own language; the reviewer's note as written
      const text = listed
        ? [listed.label[a.lang], note].filter(Boolean).join(a.lang === 'zh' ? '。' : '. ')
        : note;
      return {
        application: {
          ...a,
          status: 'rejected',
          decidedBy: reviewer.id,
          decidedAt: at,
          rejectReason: text,
          updatedAt: at,
        },
        events: [
          {
            at,
            kind: 'rejected',
            role: 'reviewer',
            actor: reviewer.id,
            data: { reason: text, ...(listed && { code: listed.id }) },
          },
        ],
      };
    });
  }

  askForMore(number: string, reviewer: Reviewer, question: string): Promise<DecisionResult> {
    const q = maskSensitive(question.trim()).slice(0, 500);
    if (!q) return Promise.resolve({ outcome: 'invalid', message: 'a question is needed' });
    return this.decide(number, reviewer, (a, at) => ({
      application: { ...a, question: q, updatedAt: at },
      events: [{ at, kind: 'info_requested', role: 'reviewer', actor: reviewer.id, data: { question: q } }],
    }));
  }

  /** The merchant's answer to a reviewer's question, with any new documents. */
  async answer(
    number: string,
    who: Pick<Submitter, 'merchantNo'>,
    reply: { text: string; proof: Attachment[] },
  ): Promise<'answered' | 'not_found' | 'decided'> {
    const text = maskSensitive(reply.text.trim()).slice(0, 1000);
    const written = await this.deps.store.update(number, (a) => {
      if (a.merchantNo !== who.merchantNo || DECIDED.has(a.status)) return undefined;
      const at = this.deps.clock().toISOString();
      const proof = [...a.proof, ...reply.proof.map((p) => ({ ...p, name: maskSensitive(p.name) }))];
      const { question: _answered, ...rest } = a;
      return {
        application: { ...rest, proof, updatedAt: at },
        events: [
          {
            at,
            kind: 'info_given',
            role: 'merchant',
            actor: who.merchantNo,
            data: { text, documents: reply.proof.length },
          },
        ],
      };
    });
    if (written.outcome === 'not_found') return 'not_found';
    if (written.outcome === 'unchanged')
      return written.application.merchantNo === who.merchantNo ? 'decided' : 'not_found';
    await this.changed(
      written.application,
      written.application && { kind: 'info_given', at: written.application.updatedAt, actor: who.merchantNo },
    );
    return 'answered';
  }

  /** A new amount after submitting: a new version, approvals start again, the reviewers see both. */
  async amend(
    number: string,
    who: Pick<Submitter, 'merchantNo'>,
    amountFen: number,
  ): Promise<DecisionResult> {
    const current = await this.deps.store.get(number);
    if (!current || current.merchantNo !== who.merchantNo) return { outcome: 'not_found' };
    const remaining = current.originalAmountFen - current.refundedBeforeFen;
    if (!Number.isInteger(amountFen) || amountFen <= 0)
      return { outcome: 'invalid', message: this.deps.words('amount_zero', current.lang) };
    if (amountFen > remaining)
      return {
        outcome: 'invalid',
        message: this.deps.words('amount_over', current.lang, {
          amount: formatYuan(amountFen),
          remaining: formatYuan(remaining),
        }),
      };
    return this.decide(
      number,
      { id: who.merchantNo, channel: 'cli' },
      (a, at) => ({
        application: { ...a, version: a.version + 1, amountFen, approvals: [], updatedAt: at },
        events: [
          {
            at,
            kind: 'amended',
            role: 'merchant',
            actor: who.merchantNo,
            data: { fromFen: a.amountFen, toFen: amountFen, version: a.version + 1 },
          },
        ],
      }),
      { merchant: true },
    );
  }

  /**
   * Tells the desk and the merchant of a change already written (the executor's too). `wrote`: the
   * event this change wrote — another instance may have written the next one already, and each
   * change is told once, by whoever wrote it (two reviewers approving together told "approved"
   * twice when this read the latest event instead).
   */
  async changed(application: Application, wrote?: Pick<NewEvent, 'kind' | 'at' | 'actor'>): Promise<void> {
    const events = await this.deps.store.events(application.number);
    const last = wrote
      ? events.findLast((e) => e.kind === wrote.kind && e.at === wrote.at && e.actor === wrote.actor)
      : events[events.length - 1];
    if (last) {
      await this.tellDesk(application.number, (view) => this.desk?.changed(view, last));
      await this.deps.inbox
        .tell(application, last)
        .catch((err: unknown) =>
          this.deps.logger.warn({ err, application: application.number }, 'could not tell the merchant'),
        );
    }
  }

  /**
   * One decision, written once: the same rules for Slack and the CLI. An application already
   * decided is left as it is and the reviewer hears who decided it.
   */
  private async decide(
    number: string,
    reviewer: Reviewer,
    change: (a: Application, at: string) => Change | 'same_reviewer' | 'stale',
    options: { merchant?: boolean } = {},
  ): Promise<DecisionResult> {
    if (!options.merchant && !this.mayDecide(reviewer)) {
      await this.auditReview(number, reviewer, 'denied');
      return { outcome: 'not_allowed' };
    }
    let refused: 'same_reviewer' | 'stale' | undefined;
    let wrote: NewEvent | undefined;
    const written = await this.deps.store.update(number, (a) => {
      if (DECIDED.has(a.status)) return undefined;
      const c = change(a, this.deps.clock().toISOString());
      if (c === 'same_reviewer' || c === 'stale') {
        refused = c;
        return undefined;
      }
      wrote = c.events.at(-1);
      return c;
    });
    if (written.outcome === 'not_found') return { outcome: 'not_found' };
    const application = written.application;
    if (written.outcome === 'unchanged') {
      if (refused) return { outcome: refused, application };
      return {
        outcome: 'already_decided',
        application,
        ...(application.decidedBy && { by: application.decidedBy }),
      };
    }
    // what this decision wrote, not the latest event: another reviewer's may have landed since
    const kind = (wrote as NewEvent | undefined)?.kind as EventKind | undefined;
    if (!options.merchant) await this.auditReview(number, reviewer, kind ?? 'changed');
    await this.changed(application, wrote);
    if (application.status === 'approved' || application.status === 'rejected')
      this.deps.insights?.record({
        kind: 'application_decided',
        channel: application.channel,
        lang: application.lang,
        subject: application.number,
        outcome: application.status,
        durationMs:
          Date.parse(application.decidedAt ?? application.updatedAt) - Date.parse(application.createdAt),
      });
    if (application.status === 'approved') return { outcome: 'approved', application };
    if (application.status === 'rejected') return { outcome: 'rejected', application };
    if (kind === 'approval_recorded')
      return { outcome: 'approval_recorded', application, needed: this.approvalsNeeded(application) };
    if (kind === 'amended') return { outcome: 'amended', application };
    return { outcome: 'asked', application };
  }

  private async tellDesk(
    number: string,
    tell: (view: ReviewView) => Promise<void> | undefined,
  ): Promise<void> {
    if (!this.desk) return;
    try {
      const view = await this.view(number);
      if (view) await tell(view);
    } catch (err) {
      this.deps.logger.warn({ err, application: number }, 'could not update the review desk');
    }
  }

  private audit(who: Submitter, what: string, query: Record<string, string>, outcome: string): Promise<void> {
    return this.deps.audit
      .write(
        {
          at: this.deps.clock().toISOString(),
          role: 'merchant',
          channel: who.channel,
          conversationId: who.conversationId,
          merchantNo: who.merchantNo,
          ...(who.address && { address: who.address }),
          what,
          query,
          outcome,
        },
        'applications',
      )
      .catch((err: unknown) => this.deps.logger.error({ err }, 'could not write the audit record'));
  }

  private auditReview(number: string, reviewer: Reviewer, outcome: string): Promise<void> {
    return this.deps.audit
      .write(
        {
          at: this.deps.clock().toISOString(),
          role: reviewer.channel === 'cli' ? 'operator' : 'agent',
          actor: reviewer.id,
          channel: reviewer.channel,
          what: 'application.review',
          query: { application: number },
          outcome,
        },
        'applications',
      )
      .catch((err: unknown) => this.deps.logger.error({ err }, 'could not write the audit record'));
  }
}

/** A day as the timeline shows it. */
export function dayOf(iso: string): string {
  return formatDate(todayIn(new Date(iso)));
}
