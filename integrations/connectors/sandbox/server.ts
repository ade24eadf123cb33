import { X509Certificate } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { formatDate, todayIn, WorkingDays } from '../../../knowledge/index.js';
import {
  lakalaTime,
  NOT_FOUND_CODE,
  NOT_FOUND_CODE_LAMS,
  PATHS,
  REFUND_CODES,
  SUCCESS,
} from '../lakala/protocol.js';
import {
  loadPrivateKey,
  loadPublicKey,
  parseAuthorization,
  responseHeaders,
  type Signer,
  verifyAuthorization,
  withinSkew,
} from '../lakala/signing.js';
import { type SandboxRefund, type SandboxTrade, seed } from './data.js';
import type { SandboxKeys } from './keys.js';

/** Ways a test makes the sandbox misbehave, as a real acquirer sometimes does. */
export interface SandboxFaults {
  /** Wait this long before answering. */
  delayMs?: number;
  /** Answer with this HTTP status (and a JSON error body). */
  status?: number;
  /** Answer 200 with a body that is not JSON. */
  notJson?: boolean;
  /** Answer 200 with a well-signed envelope whose resp_data is missing its fields. */
  malformed?: boolean;
  /** Change the body after signing it. */
  tamper?: boolean;
  /** The refund endpoint answers 503 without executing anything (the acquirer is down). */
  refundsDown?: boolean;
  /**
   * The refund is executed, and its answer waits until this settles: the caller is left between
   * the acquirer's work and its own (a test kills it there, or lets its lease run out).
   */
  holdRefundAnswer?: Promise<unknown>;
}

export interface SandboxOptions {
  keys: SandboxKeys;
  /** The merchant app id the sandbox accepts. */
  appId: string;
  clock?: () => Date;
}

export const SANDBOX_APP_ID = 'OP00000003';

const CARD_TYPE: Record<string, string> = { debit_card: '00', credit_card: '01' };
const ACCOUNT_TYPE: Record<string, string> = {
  wechat: 'WECHAT',
  alipay: 'ALIPAY',
  unionpay_qr: 'UQRCODEPAY',
};

function refundState(r: SandboxRefund, now: Date): 'SUCCESS' | 'FAIL' | 'DEAL' {
  if (now < r.completesAt) return 'DEAL';
  return r.failure ? 'FAIL' : 'SUCCESS';
}

function tradeState(t: SandboxTrade, now: Date): string {
  if (t.outcome === 'FAIL') return 'FAIL';
  if (t.outcome === 'DEAL' && (!t.settlesAt || now < t.settlesAt)) return 'DEAL';
  const done = t.refunds.filter((r) => r.requestedAt <= now && refundState(r, now) === 'SUCCESS');
  if (done.some((r) => r.kind === 'void')) return 'REFUND';
  const refunded = done.reduce((n, r) => n + r.amountFen, 0);
  if (refunded >= t.amountFen) return 'REFUND';
  return refunded > 0 ? 'PART_REFUND' : 'SUCCESS';
}

function cardType(t: SandboxTrade): string {
  if (t.method === 'wechat') return t.funding === 'balance' ? '02' : '00';
  if (t.method === 'alipay') return t.funding === 'balance' ? '04' : t.funding === 'credit' ? '03' : '00';
  return CARD_TYPE[t.method] ?? '99';
}

/** A trade asked for by its reference, as printed (参考号) or as Lakala's log number ("66" + it). */
function refersTo(t: SandboxTrade, key: string): boolean {
  return t.reference === key || `66${t.reference}` === key;
}

/** The card as Lakala shows it: six stars in the middle. */
function lakalaCard(t: SandboxTrade): string {
  return t.cardMasked ? t.cardMasked.replace('****', '******') : '';
}

/** A refund's numbers and time, the same in both refund queries. */
function refundNumbers(r: SandboxRefund) {
  const time = lakalaTime(r.requestedAt);
  return { trade_no: `${time.slice(0, 8)}66${r.reference}`, log_no: `66${r.reference}`, trade_time: time };
}

/**
 * A stand-in for Lakala's Open Platform: the three v3 query endpoints with the real envelope and
 * signatures both ways (it checks ours against the merchant certificate and signs its answers with
 * its own platform key), seeded with ~60 days of payments including the named scenarios
 * (GET /fixtures). Statuses move on with its clock, as an acquirer's would.
 */
export class Sandbox {
  readonly trades: SandboxTrade[];
  faults: SandboxFaults = {};
  /** The out_trade_no of every signed refund request, in the order they came (a resend twice). */
  readonly refundRequests: string[] = [];
  private readonly platform: Signer;
  private readonly merchantKey;
  private readonly merchantSerial: string;
  private readonly seenNonces = new Map<string, number>();
  private readonly clock: () => Date;
  private readonly calendar = new WorkingDays();

  constructor(private readonly options: SandboxOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.trades = seed({ now: this.clock() });
    const { platform, merchant } = options.keys;
    this.platform = {
      appId: options.appId,
      serialNo: platform.serialNo,
      privateKey: loadPrivateKey(platform.privateKeyPem),
    };
    this.merchantKey = loadPublicKey(merchant.certificatePem);
    this.merchantSerial = new X509Certificate(merchant.certificatePem).serialNumber;
  }

  fixtures() {
    return this.trades
      .filter((t) => t.scenario)
      .map((t) => ({
        scenario: t.scenario,
        reference: t.reference,
        merchantNo: t.merchantNo,
        termNo: t.termNo,
        amountFen: t.amountFen,
        ...(t.cardLast4 && { cardLast4: t.cardLast4 }),
        method: t.method,
        tradeTime: t.tradeTime.toISOString(),
      }));
  }

  private sameSerial(a: string): boolean {
    const norm = (s: string) => s.toLowerCase().replace(/^0+/, '');
    return norm(a) === norm(this.merchantSerial);
  }

  /** Checks the request's signature; undefined when it is good, else why not. */
  private checkSignature(header: string | undefined, body: string): string | undefined {
    const auth = parseAuthorization(header);
    if (!auth) return 'missing or malformed Authorization';
    if (auth.appid !== this.options.appId) return 'unknown appid';
    if (!this.sameSerial(auth.serial_no)) return 'unknown certificate serial_no';
    const now = this.clock();
    if (!withinSkew(auth.timestamp, now)) return 'timestamp outside the allowed window';
    const seen = this.seenNonces.get(auth.nonce_str);
    if (seen && seen > now.getTime()) return 'nonce already used (replay)';
    if (!verifyAuthorization(auth, body, this.merchantKey)) return 'signature does not verify';
    this.seenNonces.set(auth.nonce_str, now.getTime() + 10 * 60_000);
    if (this.seenNonces.size > 50_000) {
      for (const [k, until] of this.seenNonces) if (until < now.getTime()) this.seenNonces.delete(k);
    }
    return undefined;
  }

  private scoped(t: { merchantNo: string; termNo: string }, req: Record<string, unknown>): boolean {
    // an empty merchant_no / term_no: any merchant of this (institution) app — see README
    const m = typeof req.merchant_no === 'string' ? req.merchant_no : '';
    const term = typeof req.term_no === 'string' ? req.term_no : '';
    return (!m || m === t.merchantNo) && (!term || term === t.termNo);
  }

  tradeQuery(req: Record<string, unknown>) {
    const now = this.clock();
    const key = (typeof req.trade_no === 'string' && req.trade_no) || undefined;
    const order = (typeof req.out_trade_no === 'string' && req.out_trade_no) || undefined;
    const t = this.trades.find(
      (x) => this.scoped(x, req) && (key ? x.tradeNo === key || refersTo(x, key) : x.outTradeNo === order),
    );
    if (!t || t.tradeTime > now) return { code: NOT_FOUND_CODE, msg: '未查到交易' };
    const state = tradeState(t, now);
    return {
      code: SUCCESS.labs,
      msg: '成功',
      resp_data: {
        merchant_no: t.merchantNo,
        merchant_name: t.merchantName,
        out_trade_no: t.outTradeNo,
        trade_no: t.tradeNo,
        log_no: `66${t.reference}`,
        acc_trade_no: t.method === 'wechat' || t.method === 'alipay' ? `42000${t.tradeNo}` : '',
        account_type: ACCOUNT_TYPE[t.method] ?? '',
        trade_state: state,
        trade_state_desc:
          {
            SUCCESS: '交易成功',
            FAIL: '交易失败',
            DEAL: '交易处理中',
            REFUND: '已退款',
            PART_REFUND: '部分退款',
          }[state] ?? '',
        total_amount: String(t.amountFen),
        payer_amount: String(t.amountFen),
        trade_time: lakalaTime(t.tradeTime),
        settle_term_no: t.termNo,
        card_type: cardType(t),
        bank_type: t.cardMasked ? (t.method === 'credit_card' ? 'CMB_CREDIT' : 'ICBC_DEBIT') : '',
        user_id1: lakalaCard(t),
      },
    };
  }

  refundQuery(req: Record<string, unknown>) {
    const now = this.clock();
    const ref = typeof req.origin_trade_ref_no === 'string' ? req.origin_trade_ref_no : '';
    const t = this.trades.find((x) => this.scoped(x, req) && ref !== '' && refersTo(x, ref));
    const date = typeof req.origin_trade_date === 'string' ? req.origin_trade_date : '';
    if (!t || t.tradeTime > now || (date && formatDate(todayIn(t.tradeTime)).replace(/-/g, '') !== date)) {
      return { code: NOT_FOUND_CODE_LAMS, msg: '原平台参考号错误' };
    }
    return {
      code: SUCCESS.lams,
      msg: '成功',
      resp_data: {
        refund_list: t.refunds
          .filter((r) => r.requestedAt <= now)
          .map((r) => {
            const state = refundState(r, now);
            return {
              out_trade_no: r.outRefundOrderNo,
              ...refundNumbers(r),
              trade_state: state,
              trade_state_desc:
                state === 'FAIL'
                  ? (r.failure ?? '退款失败')
                  : state === 'SUCCESS'
                    ? '退款成功'
                    : '退款处理中',
              refund_amount: String(r.amountFen),
              payer_amount: String(r.amountFen),
              trade_main_type: r.kind === 'void' ? 'CANCEL' : 'REFUND',
              pay_mode: t.method === 'credit_card' ? '01' : '00',
              crd_no: lakalaCard(t),
              account_type: ACCOUNT_TYPE[t.method] ?? '',
            };
          }),
      },
    };
  }

  idmRefundQuery(req: Record<string, unknown>) {
    const now = this.clock();
    const no = typeof req.out_refund_order_no === 'string' ? req.out_refund_order_no : '';
    for (const t of this.trades) {
      if (!this.scoped(t, req)) continue;
      const r = t.refunds.find((x) => x.outRefundOrderNo === no && x.requestedAt <= now);
      if (!r) continue;
      const state = refundState(r, now);
      return {
        code: SUCCESS.labs,
        msg: '成功',
        resp_data: {
          merchant_no: t.merchantNo,
          out_refund_order_no: r.outRefundOrderNo,
          ...refundNumbers(r),
          origin_log_no: `66${t.reference}`,
          account_type: ACCOUNT_TYPE[t.method] ?? '',
          trade_state: state,
          trade_state_desc: state === 'FAIL' ? (r.failure ?? '退款失败') : '',
          total_amount: String(t.amountFen),
          refund_amount: String(r.amountFen),
          payer_amount: String(r.amountFen),
        },
      };
    }
    return { code: NOT_FOUND_CODE, msg: '未查到退款订单' };
  }

  /**
   * 退款: partial refunds, never more than remains (refunds under way count), only of a payment
   * that succeeded, idempotent on out_trade_no. Card refunds complete two working days later at
   * 10:00, wallet ones within two minutes; each gets its own 参考号.
   */
  refund(req: Record<string, unknown>) {
    const now = this.clock();
    const no = typeof req.out_trade_no === 'string' ? req.out_trade_no : '';
    const amount = Number(typeof req.refund_amount === 'string' ? req.refund_amount : Number.NaN);
    if (!/^[A-Za-z0-9]{1,32}$/.test(no) || !Number.isInteger(amount) || amount <= 0)
      return { code: REFUND_CODES.invalid, msg: '参数校验失败: out_trade_no, refund_amount' };
    for (const t of this.trades) {
      const r = t.refunds.find((x) => x.outRefundOrderNo === no);
      if (!r) continue;
      if (!this.scoped(t, req) || r.amountFen !== amount)
        return { code: REFUND_CODES.duplicate, msg: '商户订单号重复' };
      return this.refundAnswer(t, r, now);
    }
    const origin = (typeof req.origin_trade_no === 'string' && req.origin_trade_no) || '';
    const log = (typeof req.origin_log_no === 'string' && req.origin_log_no) || '';
    const t = this.trades.find(
      (x) =>
        this.scoped(x, req) &&
        x.tradeTime <= now &&
        (x.tradeNo === origin || (log !== '' && refersTo(x, log))),
    );
    if (!t) return { code: NOT_FOUND_CODE, msg: '原交易不存在' };
    const state = tradeState(t, now);
    if (state !== 'SUCCESS' && state !== 'PART_REFUND')
      return { code: REFUND_CODES.notRefundable, msg: '原交易状态不允许退款' };
    const taken = t.refunds
      .filter((x) => x.requestedAt <= now && refundState(x, now) !== 'FAIL')
      .reduce((n, x) => n + (x.kind === 'void' ? t.amountFen : x.amountFen), 0);
    if (amount > t.amountFen - taken)
      return { code: REFUND_CODES.exceedsRemaining, msg: '退款金额超过可退金额' };
    const card = t.method === 'debit_card' || t.method === 'credit_card';
    const completesAt = card ? this.workingDaysLater(now, 2) : new Date(now.getTime() + 2 * 60_000);
    const r: SandboxRefund = {
      outRefundOrderNo: no,
      reference: this.newReference(no),
      kind: 'refund',
      amountFen: amount,
      requestedAt: now,
      completesAt,
    };
    t.refunds.push(r);
    return this.refundAnswer(t, r, now);
  }

  private refundAnswer(t: SandboxTrade, r: SandboxRefund, now: Date) {
    return {
      code: SUCCESS.labs,
      msg: '成功',
      resp_data: {
        merchant_no: t.merchantNo,
        out_trade_no: r.outRefundOrderNo,
        ...refundNumbers(r),
        origin_log_no: `66${t.reference}`,
        trade_state: refundState(r, now),
        refund_amount: String(r.amountFen),
        total_amount: String(t.amountFen),
      },
    };
  }

  /** 10:00 Beijing time, `n` working days after `from`. */
  private workingDaysLater(from: Date, n: number): Date {
    const day = this.calendar.addWorkingDays(todayIn(from), n).date;
    return new Date(Date.UTC(day.year, day.month - 1, day.day, 2, 0));
  }

  /** A 12-digit 参考号 no other trade or refund has. */
  private newReference(seed: string): string {
    const taken = new Set(this.trades.flatMap((t) => [t.reference, ...t.refunds.map((r) => r.reference)]));
    let h = 0;
    for (const ch of seed) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
    for (let i = 0; ; i++) {
      const ref = String(900_000_000_000 + ((h + i * 7_919) % 99_999_999_999)).slice(0, 12);
      if (!taken.has(ref)) return ref;
    }
  }

  /** Signs and sends an answer, applying any fault the test asked for. */
  async answer(reply: FastifyReply, payload: object): Promise<FastifyReply> {
    const f = this.faults;
    if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
    if (f.status)
      return reply
        .status(f.status)
        .type('application/json')
        .send(JSON.stringify({ code: 'BBS00001', msg: '系统错误' }));
    let body = f.notJson
      ? '<html>502 Bad Gateway</html>'
      : JSON.stringify(f.malformed ? { code: 'BBS00000', msg: '成功', resp_data: { oops: true } } : payload);
    const headers = responseHeaders(this.platform, body, this.clock());
    if (f.tamper)
      body = body
        .replace(/"total_amount":"\d+"/, '"total_amount":"1"')
        .replace(/"refund_amount":"\d+"/, '"refund_amount":"1"');
    return reply.status(200).headers(headers).type('application/json; charset=utf-8').send(body);
  }

  /** The sandbox as an HTTP server (not listening yet). */
  async server(): Promise<FastifyInstance> {
    const app = Fastify({ logger: false });
    app.removeAllContentTypeParsers();
    // the signature covers the raw bytes: keep them as they came
    app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    const handlers: Record<string, (req: Record<string, unknown>) => object> = {
      [PATHS.tradeQuery]: (r) => this.tradeQuery(r),
      [PATHS.refundQuery]: (r) => this.refundQuery(r),
      [PATHS.idmRefundQuery]: (r) => this.idmRefundQuery(r),
      [PATHS.refund]: (r) => this.refund(r),
    };
    for (const [path, handle] of Object.entries(handlers)) {
      app.post(path, async (request, reply) => {
        const raw = typeof request.body === 'string' ? request.body : '';
        const bad = this.checkSignature(request.headers.authorization, raw);
        if (bad) return reply.status(401).send({ code: 'BBS11200', msg: `验签失败: ${bad}` });
        let env: { req_time?: unknown; version?: unknown; req_data?: unknown };
        try {
          env = JSON.parse(raw) as typeof env;
        } catch {
          return reply.status(400).send({ code: 'BBS11000', msg: '报文格式错误' });
        }
        if (
          env.version !== '3.0' ||
          typeof env.req_time !== 'string' ||
          typeof env.req_data !== 'object' ||
          env.req_data === null
        ) {
          return reply
            .status(400)
            .send({ code: 'BBS11000', msg: '参数校验失败: req_time, version, req_data' });
        }
        const req = env.req_data as Record<string, unknown>;
        if (path === PATHS.refund) {
          this.refundRequests.push(typeof req.out_trade_no === 'string' ? req.out_trade_no : '');
          if (this.faults.refundsDown) return reply.status(503).send({ code: 'BBS00001', msg: '系统繁忙' });
        }
        const payload = handle(req);
        const hold = path === PATHS.refund ? this.faults.holdRefundAnswer : undefined;
        if (hold) await hold.catch(() => undefined);
        return this.answer(reply, payload);
      });
    }
    app.get('/fixtures', async () => this.fixtures());
    // the serial names which keys this sandbox signs with (a CLI on the same DATA_DIR joins it)
    app.get('/healthz', async () => ({ status: 'ok', serialNo: this.platform.serialNo }));
    return app;
  }
}
