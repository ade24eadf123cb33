import type { Logger } from '../../contracts/logger.js';
import { text } from '../../contracts/replies.js';
import type { Role } from '../../contracts/roles.js';
import type { LookupPort, LookupRequest, LookupResult, Requester, Values } from '../../flows/engine/index.js';
import { formatDate, type Lang, parseLookupKey, todayIn } from '../../knowledge/index.js';
import type { InsightsSink } from '../insights/events.js';
import type { Metrics } from '../metrics.js';
import type { AuditSink, KeyValue } from '../ports.js';
import type { GatewayResult, PaymentGateway, Refund, Transaction } from './gateway.js';
import type { Lockouts } from './lockout.js';
import { describeStatus, refundArrival, type StatusDeps } from './status.js';

export interface LookupServiceDeps extends StatusDeps {
  gateway: PaymentGateway;
  lockouts: Lockouts;
  lockMinutes: number;
  audit: AuditSink;
  /** Short-lived cache of acquirer answers (not of failures). */
  cache: KeyValue<unknown>;
  /** 0: nothing is cached. */
  cacheMs: number;
  logger: Logger;
  clock: () => Date;
  metrics?: Metrics;
  /** Look-up outcomes, arrival estimates given and refunds seen arrived (bot/insights). */
  insights?: InsightsSink;
}

export type { Role };

export function roleOf(r: Requester): Role {
  return r.role ?? (r.merchantNo ? 'merchant' : 'consumer');
}

export interface StatusAnswer {
  outcome: 'found' | 'not_found' | 'denied' | 'locked' | 'unavailable';
  transaction?: Transaction;
  refunds?: Refund[];
}

/**
 * Who may see what, in front of the payment gateway. A merchant sees its own merchant number's
 * transactions only; a consumer sees one transaction after giving its reference and the exact
 * amount or the card's last four digits, and five misses lock look-ups for the conversation and
 * the address; support agents and operators see what they ask for. A consumer who fails hears the
 * same words whether the reference exists or not. Every look-up is audited.
 */
export class LookupService implements LookupPort {
  constructor(private readonly deps: LookupServiceDeps) {}

  /**
   * Whether a consumer's look-ups are paused (for this conversation, this reference or this
   * address): the flow says so before it asks for a proof it could not use.
   */
  async isLocked(request: Pick<LookupRequest, 'slots' | 'requester'>): Promise<boolean> {
    if (roleOf(request.requester) !== 'consumer') return false;
    const reference = typeof request.slots.reference === 'string' ? request.slots.reference : undefined;
    return this.deps.lockouts.locked({
      conversationId: request.requester.conversationId,
      reference,
      address: request.requester.address,
    });
  }

  /** For the flows: the answer as facts and a status card. */
  async lookup(request: LookupRequest): Promise<LookupResult> {
    const { slots, requester, lang } = request;
    const answer = await this.status(
      {
        reference: typeof slots.reference === 'string' ? slots.reference : undefined,
        amountFen: typeof slots.amount === 'number' ? slots.amount : undefined,
        cardLast4: typeof slots.card_last4 === 'string' ? slots.card_last4 : undefined,
        verify: typeof slots.verify === 'string' ? slots.verify : undefined,
      },
      requester,
      request.what,
    );
    return this.toResult(answer, lang);
  }

  toResult(answer: StatusAnswer, lang: Lang): LookupResult {
    const { say } = this.deps;
    switch (answer.outcome) {
      case 'found': {
        const { card, facts } = describeStatus(
          answer.transaction as Transaction,
          answer.refunds ?? [],
          lang,
          this.deps.clock(),
          this.deps,
        );
        return { outcome: 'found', facts, replies: [card] };
      }
      case 'locked':
        return {
          outcome: 'denied',
          facts: { 'lookup.locked': true },
          replies: [text(say('lookup_locked', lang, { minutes: this.deps.lockMinutes }))],
        };
      case 'denied':
        return { outcome: 'denied', facts: {}, replies: [] };
      case 'not_found':
        return { outcome: 'not_found', facts: {}, replies: [] };
      default:
        return { outcome: 'unavailable', facts: {}, replies: [] };
    }
  }

  /** Looks a reference up for `requester`, enforcing the rules above. */
  async status(
    ask: {
      reference?: string | undefined;
      amountFen?: number | undefined;
      cardLast4?: string | undefined;
      verify?: string | undefined;
    },
    requester: Requester,
    what: string,
  ): Promise<StatusAnswer> {
    const role = roleOf(requester);
    const verify = parseVerify(ask);
    const audit = (outcome: StatusAnswer['outcome']) => {
      this.deps.metrics?.count('lookups', { outcome: outcome === 'denied' ? 'proof_failed' : outcome });
      return this.deps.audit
        .write({
          at: this.deps.clock().toISOString(),
          role,
          channel: requester.channel,
          conversationId: requester.conversationId,
          ...(requester.merchantNo && { merchantNo: requester.merchantNo }),
          ...(requester.address && { address: requester.address }),
          ...(requester.actor && { actor: requester.actor }),
          what,
          query: {
            ...(ask.reference && { reference: ask.reference }),
            ...(verify && { verifiedBy: verify.kind }),
          },
          outcome,
        })
        .catch((err: unknown) => this.deps.logger.error({ err }, 'could not write the audit record'));
    };
    const insight = (outcome: string) =>
      this.deps.insights?.record({
        kind: 'lookup',
        channel: requester.channel,
        conversationId: requester.conversationId,
        outcome,
        data: { role, what },
      });
    // every way out is audited
    const end = async (outcome: Exclude<StatusAnswer['outcome'], 'found'>): Promise<StatusAnswer> => {
      // a consumer is denied without a proof, or for one that did not match
      insight(outcome === 'denied' && verify ? 'proof_failed' : outcome);
      await audit(outcome);
      return { outcome };
    };

    const attempt = {
      conversationId: requester.conversationId,
      reference: ask.reference,
      address: requester.address,
    };
    if (role === 'consumer' && (await this.deps.lockouts.locked(attempt))) return end('locked');
    if (!ask.reference) return end('not_found');
    if (role === 'consumer' && !verify) {
      // the flow asks for the amount or card digits first; without them there is nothing to check
      return end('denied');
    }

    // a consumer's try is counted before the proof is checked: a burst of guesses gets the limit, no more
    const tried = role === 'consumer' ? await this.deps.lockouts.take(attempt) : undefined;
    if (tried === 'locked') return end('locked');
    const found = await this.find(ask.reference, role === 'merchant' ? requester.merchantNo : undefined);
    if (found.outcome === 'unavailable') {
      this.deps.logger.warn({ reason: found.reason, gateway: this.deps.gateway.name }, 'look-up unavailable');
      // nothing was checked: not a try
      if (tried) await this.deps.lockouts.giveBack(attempt).catch(() => undefined);
      return end('unavailable');
    }

    if (role === 'consumer') {
      const t = found.outcome === 'found' ? found.value : undefined;
      const matches =
        t !== undefined &&
        verify !== undefined &&
        (verify.kind === 'amount'
          ? verify.value === t.amountFen
          : t.cardMasked?.endsWith(verify.value) === true);
      if (!matches) return end(tried === 'last' ? 'locked' : 'denied');
      await this.deps.lockouts.matched(attempt);
    }
    if (found.outcome === 'not_found') return end('not_found');
    const transaction = found.value;
    const refunds = await this.refunds(transaction);
    if (refunds.outcome === 'unavailable') return end('unavailable');
    await audit('found');
    insight('found');
    const list = refunds.outcome === 'found' ? refunds.value : [];
    this.arrivals(transaction, list, requester);
    return { outcome: 'found', transaction, refunds: list };
  }

  /**
   * For the insights: the arrival window said for each refund under way, and the day each one seen
   * completed arrived, so estimates can be held against what happened.
   */
  private arrivals(t: Transaction, refunds: readonly Refund[], requester: Requester): void {
    const sink = this.deps.insights;
    if (!sink) return;
    const common = { channel: requester.channel, conversationId: requester.conversationId };
    for (const r of refunds) {
      if (r.kind !== 'refund') continue;
      if (r.status === 'succeeded' && r.completedAt) {
        const dateTo = formatDate(todayIn(new Date(r.completedAt)));
        sink.record({ kind: 'arrival', ...common, subject: r.refundNo, dateTo });
        continue;
      }
      const e = refundArrival(t, r, this.deps.clock(), this.deps);
      if (e)
        sink.record({
          kind: 'estimate',
          ...common,
          subject: r.refundNo,
          dateFrom: formatDate(e.earliest),
          dateTo: formatDate(e.latest),
          outcome: e.overdue ? 'overdue' : 'in_window',
        });
    }
  }

  private async cached<T>(key: string, load: () => Promise<GatewayResult<T>>): Promise<GatewayResult<T>> {
    if (this.deps.cacheMs <= 0) return load();
    const hit = (await this.deps.cache.get(key)) as GatewayResult<T> | undefined;
    if (hit) return hit;
    const result = await load();
    if (result.outcome !== 'unavailable') await this.deps.cache.set(key, result, this.deps.cacheMs);
    return result;
  }

  /** `key`: a 参考号, or Lakala's trade_no or the merchant's order number (knowledge's lookupKey). */
  private find(key: string, merchantNo: string | undefined): Promise<GatewayResult<Transaction>> {
    return this.cached(`tx:${key}:${merchantNo ?? '*'}`, () =>
      this.deps.gateway.findTransaction({ ...parseLookupKey(key), ...(merchantNo && { merchantNo }) }),
    );
  }

  private refunds(t: Transaction): Promise<GatewayResult<Refund[]>> {
    return this.cached(`refunds:${t.reference}`, () => this.deps.gateway.listRefunds(t));
  }
}

/** `verify` (one answer that is either) or the separate amount / card slots. */
function parseVerify(ask: {
  amountFen?: number | undefined;
  cardLast4?: string | undefined;
  verify?: string | undefined;
}): { kind: 'amount'; value: number } | { kind: 'card'; value: string } | undefined {
  if (ask.verify?.startsWith('amount:')) return { kind: 'amount', value: Number(ask.verify.slice(7)) };
  if (ask.verify?.startsWith('card:')) return { kind: 'card', value: ask.verify.slice(5) };
  if (ask.cardLast4) return { kind: 'card', value: ask.cardLast4 };
  if (ask.amountFen !== undefined) return { kind: 'amount', value: ask.amountFen };
  return undefined;
}

export type { Values };
