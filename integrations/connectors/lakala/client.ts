import { randomUUID } from 'node:crypto';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import type { z } from 'zod';
import {
  type GatewayResult,
  type PaymentGateway,
  type PaymentMethod,
  type Refund,
  type RefundRequest,
  type RefundResult,
  refundSchema,
  type Transaction,
  type TransactionQuery,
  transactionSchema,
} from '../../../bot/lookups/gateway.js';
import type { Logger } from '../../../contracts/logger.js';
import { maskCardNumber } from '../../../contracts/masking.js';
import {
  envelope,
  idmRefundQueryResponse,
  isoFromLakala,
  lakalaTime,
  NOT_FOUND_CODE,
  NOT_FOUND_CODE_LAMS,
  PATHS,
  REFUND_CODES,
  type RefundItem,
  type RefundRequestData,
  refundQueryResponse,
  refundResponse,
  responseEnvelope,
  SUCCESS,
  type TradeQueryResponse,
  tradeQueryResponse,
} from './protocol.js';
import {
  authorizationHeader,
  loadPrivateKey,
  loadPublicKey,
  type Signer,
  verifyResponse,
} from './signing.js';

export interface LakalaOptions {
  baseUrl: string;
  appId: string;
  serialNo: string;
  privateKeyPem: string;
  /** Lakala's platform certificate (or its public key), PEM: responses are verified against it. */
  platformCertPem: string;
  logger: Logger;
  timeoutMs?: number;
  /** Attempts for a query that failed on the way (network, timeout, 5xx); queries are idempotent. */
  attempts?: number;
  /** Consecutive failures that open the circuit, and how long it stays open. */
  breakAfter?: number;
  halfOpenAfterMs?: number;
  clock?: () => Date;
}

export type FailureKind =
  | 'network'
  | 'timeout'
  | 'http'
  | 'malformed'
  | 'signature'
  | 'rejected'
  | 'circuit_open';

export class GatewayError extends Error {
  override name = 'GatewayError';
  constructor(
    readonly kind: FailureKind,
    message: string,
    /** The acquirer's business code, for an answer it gave (a refusal). */
    readonly code?: string,
  ) {
    super(message);
  }
  get transient(): boolean {
    return this.kind === 'network' || this.kind === 'timeout' || this.kind === 'http';
  }
}

const NOT_FOUND = Symbol('not found');

/**
 * The Lakala Open Platform v3 connector: signed requests (SHA256withRSA), verified responses,
 * zod-checked answers mapped to our own types, with a timeout, retries with backoff and a circuit
 * breaker around every call. Anything it cannot trust becomes "unavailable" and a log line.
 */
export class LakalaGateway implements PaymentGateway {
  readonly name = 'lakala';
  private readonly signer: Signer;
  private readonly platformKey;
  private readonly policy: IPolicy;
  /** Without retries: for the one call that moves money (a retry is a query first, then a resend). */
  private readonly once: IPolicy;
  private readonly breaker;
  private readonly clock: () => Date;
  private readonly baseUrl: string;

  constructor(private readonly options: LakalaOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.signer = {
      appId: options.appId,
      serialNo: options.serialNo,
      privateKey: loadPrivateKey(options.privateKeyPem),
    };
    this.platformKey = loadPublicKey(options.platformCertPem);
    this.clock = options.clock ?? (() => new Date());
    // the timeout policy rejects with its own TaskCancelledError, not ours: a slow acquirer must be
    // retried (queries are idempotent) and counted, or every turn pays the full timeout forever
    const timedOut = (e: unknown) => e instanceof TaskCancelledError;
    const transient = handleWhen((e) => (e instanceof GatewayError && e.transient) || timedOut(e));
    this.breaker = circuitBreaker(
      handleWhen((e) => e instanceof GatewayError || timedOut(e)),
      {
        halfOpenAfter: options.halfOpenAfterMs ?? 10_000,
        breaker: new ConsecutiveBreaker(options.breakAfter ?? 5),
      },
    );
    this.breaker.onBreak(() => options.logger.warn({ gateway: this.name }, 'acquirer circuit opened'));
    this.breaker.onReset(() => options.logger.info({ gateway: this.name }, 'acquirer circuit closed'));
    this.policy = wrap(
      retry(transient, {
        maxAttempts: (options.attempts ?? 3) - 1,
        backoff: new ExponentialBackoff({ initialDelay: 80, maxDelay: 800 }),
      }),
      this.breaker,
      timeout(options.timeoutMs ?? 3000, TimeoutStrategy.Aggressive),
    );
    this.once = wrap(this.breaker, timeout(options.timeoutMs ?? 3000, TimeoutStrategy.Aggressive));
  }

  get circuit(): 'open' | 'closed' | 'half-open' {
    const s = this.breaker.state;
    return s === CircuitState.Open || s === CircuitState.Isolated
      ? 'open'
      : s === CircuitState.HalfOpen
        ? 'half-open'
        : 'closed';
  }

  /** One signed POST: the envelope in, the verified and parsed `resp_data` (or NOT_FOUND) out. */
  private async post<S extends z.ZodType>(
    path: string,
    data: object,
    schema: S,
    success: string,
    notFound: readonly string[],
    { retry = true }: { retry?: boolean } = {},
  ): Promise<z.infer<S> | typeof NOT_FOUND> {
    try {
      // a signal of the call's own: without one, cockatiel derives every call's from one shared
      // never-aborted signal, and eleven calls at once warn MaxListenersExceeded (a leak, to node)
      const own = new AbortController().signal;
      return await (retry ? this.policy : this.once).execute(async ({ signal }) => {
        const body = JSON.stringify(envelope(data, this.clock()));
        let res: Response;
        try {
          res = await fetch(`${this.baseUrl}${path}`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              accept: 'application/json',
              authorization: authorizationHeader(this.signer, body, this.clock()),
            },
            body,
            signal,
          });
        } catch (e) {
          if (signal.aborted) throw new GatewayError('timeout', `${path} timed out`);
          throw new GatewayError('network', `${path}: ${(e as Error).message}`);
        }
        const text = await res.text();
        if (res.status >= 500) throw new GatewayError('http', `${path} answered HTTP ${res.status}`);
        if (res.status !== 200)
          throw new GatewayError('rejected', `${path} answered HTTP ${res.status}: ${text.slice(0, 200)}`);
        const verified = verifyResponse(
          Object.fromEntries(res.headers),
          text,
          this.platformKey,
          this.clock(),
        );
        if (!verified.ok) throw new GatewayError('signature', `${path}: ${verified.reason}`);
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          throw new GatewayError('malformed', `${path} answered something that is not JSON`);
        }
        const env = responseEnvelope.safeParse(json);
        if (!env.success) throw new GatewayError('malformed', `${path} answered without the v3 envelope`);
        if (notFound.includes(env.data.code)) return NOT_FOUND;
        if (env.data.code !== success)
          throw new GatewayError(
            'rejected',
            `${path} answered ${env.data.code} ${env.data.msg}`,
            env.data.code,
          );
        const parsed = schema.safeParse(env.data.resp_data);
        if (!parsed.success) {
          throw new GatewayError(
            'malformed',
            `${path} resp_data: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
          );
        }
        return parsed.data;
      }, own);
    } catch (e) {
      if (e instanceof BrokenCircuitError)
        throw new GatewayError('circuit_open', 'the acquirer circuit is open');
      if (e instanceof TaskCancelledError) throw new GatewayError('timeout', `${path} timed out`);
      throw e;
    }
  }

  private unavailable(e: unknown, what: string): { outcome: 'unavailable'; reason: string } {
    const reason =
      e instanceof GatewayError ? `${e.kind}: ${e.message}` : `unexpected: ${(e as Error)?.message}`;
    this.options.logger.warn({ gateway: this.name, what, reason }, 'acquirer answer unusable');
    return { outcome: 'unavailable', reason };
  }

  async findTransaction(query: TransactionQuery): Promise<GatewayResult<Transaction>> {
    // tradequery takes trade_no or out_trade_no; a 12-digit reference goes in trade_no (see README).
    const tradeNo = query.tradeNo ?? query.reference;
    if (!tradeNo && !query.orderNo) return { outcome: 'not_found' };
    try {
      const r = await this.post(
        PATHS.tradeQuery,
        {
          merchant_no: query.merchantNo ?? '',
          term_no: query.termNo ?? '',
          ...(tradeNo && { trade_no: tradeNo }),
          ...(query.orderNo && { out_trade_no: query.orderNo }),
        },
        tradeQueryResponse,
        SUCCESS.labs,
        [NOT_FOUND_CODE],
      );
      if (r === NOT_FOUND) return { outcome: 'not_found' };
      if (query.merchantNo && r.merchant_no !== query.merchantNo) return { outcome: 'not_found' };
      const t = transactionSchema.safeParse(toTransaction(r, query));
      if (!t.success) throw new GatewayError('malformed', `tradequery: ${t.error.issues[0]?.message}`);
      if (query.amountFen !== undefined && t.data.amountFen !== query.amountFen)
        return { outcome: 'not_found' };
      return { outcome: 'found', value: t.data };
    } catch (e) {
      return this.unavailable(e, 'findTransaction');
    }
  }

  async listRefunds(t: Transaction): Promise<GatewayResult<Refund[]>> {
    try {
      const r = await this.post(
        PATHS.refundQuery,
        {
          merchant_no: t.merchantNo,
          term_no: t.termNo,
          out_trade_no: `Q${Date.now()}${randomUUID().slice(0, 8)}`,
          origin_trade_date: t.tradeTime.slice(0, 10).replace(/-/g, ''),
          origin_biz_type: t.method === 'debit_card' || t.method === 'credit_card' ? '1' : '3',
          origin_trade_ref_no: t.reference,
        },
        refundQueryResponse,
        SUCCESS.lams,
        [NOT_FOUND_CODE_LAMS],
      );
      if (r === NOT_FOUND) return { outcome: 'found', value: [] };
      const refunds = r.refund_list.map((i) => refundSchema.parse(toRefund(i, t.reference)));
      refunds.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
      return { outcome: 'found', value: refunds };
    } catch (e) {
      return this.unavailable(e, 'listRefunds');
    }
  }

  async getRefund(
    refundNo: string,
    scope: { merchantNo: string; termNo: string },
  ): Promise<GatewayResult<Refund>> {
    try {
      const r = await this.post(
        PATHS.idmRefundQuery,
        { merchant_no: scope.merchantNo, term_no: scope.termNo, out_refund_order_no: refundNo },
        idmRefundQueryResponse,
        SUCCESS.labs,
        [NOT_FOUND_CODE],
      );
      if (r === NOT_FOUND) return { outcome: 'not_found' };
      const refund = refundSchema.safeParse({
        refundNo,
        reference: r.log_no.slice(-12),
        originReference: (r.origin_log_no ?? r.log_no).slice(-12),
        kind: 'refund',
        amountFen: Number(r.refund_amount ?? r.payer_amount ?? r.total_amount ?? 0),
        status: refundState(r.trade_state),
        ...(r.trade_state === 'FAIL' && r.trade_state_desc && { failureReason: r.trade_state_desc }),
        requestedAt: isoFromLakala(r.trade_time),
      });
      if (!refund.success)
        throw new GatewayError('malformed', `idmrefundquery: ${refund.error.issues[0]?.message}`);
      return { outcome: 'found', value: refund.data };
    } catch (e) {
      return this.unavailable(e, 'getRefund');
    }
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    const t = request.transaction;
    const scope = { merchantNo: t.merchantNo, termNo: t.termNo };
    if (
      !/^[A-Za-z0-9]{1,32}$/.test(request.outRefundNo) ||
      !Number.isInteger(request.amountFen) ||
      request.amountFen <= 0
    )
      return { outcome: 'refused', code: 'invalid', message: 'refund id or amount not acceptable' };
    const data: RefundRequestData = {
      merchant_no: t.merchantNo,
      term_no: t.termNo,
      out_trade_no: request.outRefundNo,
      refund_amount: String(request.amountFen),
      origin_trade_no: t.tradeNo,
      origin_log_no: `66${t.reference}`,
      ...(request.reason && { refund_reason: request.reason.slice(0, 64) }),
      location_info: { request_ip: '127.0.0.1' },
    };
    try {
      const r = await this.post(PATHS.refund, data, refundResponse, SUCCESS.labs, [], { retry: false });
      if (r === NOT_FOUND)
        return { outcome: 'refused', code: 'not_found', message: 'the original payment was not found' };
      const refund = refundSchema.safeParse({
        refundNo: request.outRefundNo,
        reference: r.log_no.slice(-12),
        originReference: t.reference,
        kind: 'refund',
        amountFen: Number(r.refund_amount),
        status: refundState(r.trade_state ?? 'DEAL'),
        requestedAt: isoFromLakala(r.trade_time ?? lakalaTime(this.clock())),
      });
      if (refund.success) return { outcome: 'accepted', value: refund.data };
      return this.afterUnknown(request, scope, new GatewayError('malformed', 'refund: unexpected resp_data'));
    } catch (e) {
      const code = e instanceof GatewayError ? e.code : undefined;
      const refused = code ? REFUSED[code] : undefined;
      if (refused) return { outcome: 'refused', code: refused, message: (e as Error).message };
      // a timeout, a 5xx, an answer we cannot trust, or "that id again": whether the refund exists
      // is a question for the acquirer, not a reason to send it again blindly
      return this.afterUnknown(request, scope, e);
    }
  }

  private async afterUnknown(
    request: RefundRequest,
    scope: { merchantNo: string; termNo: string },
    cause: unknown,
  ): Promise<RefundResult> {
    const known = await this.getRefund(request.outRefundNo, scope);
    if (known.outcome === 'found') {
      if (known.value.amountFen !== request.amountFen)
        return {
          outcome: 'refused',
          code: 'invalid',
          message: 'this refund id was used with another amount',
        };
      return { outcome: 'accepted', value: known.value };
    }
    return this.unavailable(cause, 'refund');
  }
}

const REFUSED: Record<string, Extract<RefundResult, { outcome: 'refused' }>['code']> = {
  [REFUND_CODES.exceedsRemaining]: 'exceeds_remaining',
  [REFUND_CODES.notRefundable]: 'not_refundable',
  [REFUND_CODES.invalid]: 'invalid',
  [NOT_FOUND_CODE]: 'not_found',
};

function refundState(s: string): Refund['status'] {
  if (s === 'SUCCESS') return 'succeeded';
  if (s === 'FAIL') return 'failed';
  return 'processing';
}

const TX_STATE: Record<TradeQueryResponse['trade_state'], Transaction['status']> = {
  INIT: 'processing',
  CREATE: 'processing',
  DEAL: 'processing',
  UNKNOWN: 'processing',
  SUCCESS: 'succeeded',
  FAIL: 'failed',
  CLOSE: 'closed',
  PART_REFUND: 'partially_refunded',
  REFUND: 'refunded',
};

function methodOf(r: TradeQueryResponse): { method: PaymentMethod; funding?: Transaction['funding'] } {
  const funding = r.card_type === '02' ? 'balance' : r.card_type === '03' ? 'credit' : 'card';
  switch (r.account_type) {
    case 'WECHAT':
      return { method: 'wechat', funding };
    case 'ALIPAY':
      return { method: 'alipay', funding: r.card_type === '04' ? 'balance' : funding };
    case 'UQRCODEPAY':
      return { method: 'unionpay_qr' };
    default:
      return { method: r.card_type === '01' ? 'credit_card' : 'debit_card' };
  }
}

function toTransaction(r: TradeQueryResponse, q: TransactionQuery): Record<string, unknown> {
  const { method, funding } = methodOf(r);
  const card = method === 'debit_card' || method === 'credit_card';
  return {
    reference: q.reference ?? r.log_no.slice(-12),
    tradeNo: r.trade_no,
    ...(r.out_trade_no && { orderNo: r.out_trade_no }),
    merchantNo: r.merchant_no,
    ...(r.merchant_name && { merchantName: r.merchant_name }),
    termNo: r.settle_term_no || q.termNo || '',
    amountFen: Number(r.total_amount),
    refundedFen: 0,
    method,
    ...(funding && !card && { funding }),
    ...(card && r.user_id1 && { cardMasked: maskCardNumber(r.user_id1) }),
    status: TX_STATE[r.trade_state],
    tradeTime: isoFromLakala(r.trade_time),
  };
}

function toRefund(i: RefundItem, originReference: string): Record<string, unknown> {
  return {
    refundNo: i.out_trade_no,
    reference: i.log_no.slice(-12),
    originReference,
    kind: i.trade_main_type === 'CANCEL' ? 'void' : 'refund',
    amountFen: Number(i.refund_amount),
    status: refundState(i.trade_state),
    ...(i.trade_state === 'FAIL' && i.trade_state_desc && { failureReason: i.trade_state_desc }),
    requestedAt: isoFromLakala(i.trade_time),
  };
}
