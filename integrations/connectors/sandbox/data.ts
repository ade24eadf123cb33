import type { PaymentMethod } from '../../../bot/lookups/gateway.js';
import { addDays, type CivilDate, formatDate, todayIn, WorkingDays } from '../../../knowledge/index.js';

export interface SandboxRefund {
  outRefundOrderNo: string;
  /** The refund's own 参考号. */
  reference: string;
  kind: 'refund' | 'void';
  amountFen: number;
  requestedAt: Date;
  /** Processing until then, then done: the sandbox's clock moves statuses on as an acquirer's would. */
  completesAt: Date;
  failure?: string;
}

export interface SandboxTrade {
  scenario?: string;
  reference: string;
  voucherNo: string;
  tradeNo: string;
  outTradeNo: string;
  merchantNo: string;
  merchantName: string;
  termNo: string;
  amountFen: number;
  method: PaymentMethod;
  funding?: 'balance' | 'card' | 'credit';
  /** As Lakala returns it: masked. */
  cardMasked?: string;
  cardLast4?: string;
  tradeTime: Date;
  /** FAIL stays failed; DEAL turns into SUCCESS at `settlesAt`. */
  outcome: 'SUCCESS' | 'FAIL' | 'DEAL';
  settlesAt?: Date;
  refunds: SandboxRefund[];
}

export const SCENARIOS = [
  'refund_processing_card',
  'refund_overdue_card',
  'refund_succeeded_qr',
  'refund_failed_card_closed',
  'refund_partial',
  'refund_twice',
  'void_same_day',
  'paid_not_refunded',
  'payment_failed',
  'payment_processing',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Deterministic pseudo-random numbers: the same data at every start. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const MERCHANTS = [
  { merchantNo: '822100058120041', merchantName: '福满楼餐厅', termNo: 'A1023456' },
  { merchantNo: '822290041370012', merchantName: '佳乐超市（望京店）', termNo: 'B2045678' },
  { merchantNo: '822510067430098', merchantName: '新视界眼镜', termNo: 'C3067890' },
];
const CARD_BINS: Record<'debit_card' | 'credit_card', string[]> = {
  debit_card: ['622848', '621700', '622202', '621483'],
  credit_card: ['625807', '622588', '438088', '524374'],
};

/** Shanghai wall-clock time on a civil date, as an instant. */
function at(d: CivilDate, hour: number, minute: number): Date {
  return new Date(Date.UTC(d.year, d.month - 1, d.day, hour - 8, minute));
}

function workingDaysBefore(calendar: WorkingDays, today: CivilDate, n: number): CivilDate {
  let d = today;
  for (let left = n; left > 0; ) {
    d = addDays(d, -1);
    if (calendar.isWorkday(d)) left--;
  }
  return d;
}

export interface SeedOptions {
  now: Date;
  calendar?: WorkingDays;
}

/**
 * ~60 days of card and QR payments for three merchants, with the named scenarios the product's
 * demos and tests rely on, dated relative to `now`.
 */
export function seed({ now, calendar = new WorkingDays() }: SeedOptions): SandboxTrade[] {
  const random = prng(20261125);
  const today = todayIn(now);
  let serial = 0;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  const next = () => ++serial;

  function trade(input: {
    scenario?: Scenario;
    day: CivilDate;
    hour: number;
    method: PaymentMethod;
    funding?: SandboxTrade['funding'];
    amountFen: number;
    merchant?: number;
    outcome?: SandboxTrade['outcome'];
    minutesAgo?: number;
  }): SandboxTrade {
    const m = MERCHANTS[input.merchant ?? next() % MERCHANTS.length] as (typeof MERCHANTS)[number];
    const n = next();
    const card = input.method === 'debit_card' || input.method === 'credit_card';
    const bins = card ? CARD_BINS[input.method as 'debit_card' | 'credit_card'] : undefined;
    const last4 = card ? digits(4) : undefined;
    const tradeTime =
      input.minutesAgo !== undefined
        ? new Date(now.getTime() - input.minutesAgo * 60_000)
        : at(input.day, input.hour, Math.floor(random() * 60));
    const ymd = formatDate(todayIn(tradeTime)).replace(/-/g, '');
    const reference = `${ymd.slice(2)}${String(n).padStart(6, '0')}`;
    return {
      ...(input.scenario && { scenario: input.scenario }),
      reference,
      voucherNo: String(100000 + ((n * 7919) % 900000)),
      // trade_no ends in log_no ("66" + 12 digits), whose last 12 digits are the reference
      tradeNo: `${ymd}66${reference}`,
      outTradeNo: `LKL${ymd}${String(n).padStart(8, '0')}`,
      ...m,
      amountFen: input.amountFen,
      method: input.method,
      ...(input.funding && { funding: input.funding }),
      ...(bins && last4 && { cardMasked: `${bins[n % bins.length]}****${last4}`, cardLast4: last4 }),
      tradeTime,
      outcome: input.outcome ?? 'SUCCESS',
      refunds: [],
    };
  }

  function refund(
    t: SandboxTrade,
    r: {
      amountFen: number;
      requestedAt: Date;
      completesAfterMs: number;
      kind?: 'refund' | 'void';
      failure?: string;
    },
  ): void {
    const n = next();
    const ymd = formatDate(todayIn(r.requestedAt)).replace(/-/g, '');
    t.refunds.push({
      outRefundOrderNo: `RF${ymd}${String(n).padStart(8, '0')}`,
      reference: `${ymd.slice(2)}${String(n).padStart(6, '0')}`,
      kind: r.kind ?? 'refund',
      amountFen: r.amountFen,
      requestedAt: r.requestedAt,
      completesAt: new Date(r.requestedAt.getTime() + r.completesAfterMs),
      ...(r.failure && { failure: r.failure }),
    });
  }

  const days = (n: number) => addDays(today, -n);
  const wd = (n: number) => workingDaysBefore(calendar, today, n);
  const DAY = 86_400_000;
  const trades: SandboxTrade[] = [];

  // the named scenarios
  const processing = trade({
    scenario: 'refund_processing_card',
    day: wd(3),
    hour: 14,
    method: 'debit_card',
    amountFen: 26800,
    merchant: 0,
  });
  refund(processing, { amountFen: 26800, requestedAt: at(wd(1), 10, 12), completesAfterMs: 3 * DAY });
  const overdue = trade({
    scenario: 'refund_overdue_card',
    day: wd(9),
    hour: 19,
    // a debit card: its 1–3 working days are long past (a credit card would still be within the
    // 15 some issuers take)
    method: 'debit_card',
    amountFen: 159900,
    merchant: 2,
  });
  refund(overdue, { amountFen: 159900, requestedAt: at(wd(6), 11, 40), completesAfterMs: 16 * DAY });
  const qr = trade({
    scenario: 'refund_succeeded_qr',
    day: days(5),
    hour: 12,
    method: 'wechat',
    funding: 'balance',
    amountFen: 4550,
    merchant: 0,
  });
  refund(qr, { amountFen: 4550, requestedAt: at(days(2), 18, 5), completesAfterMs: 2 * 60_000 });
  const closed = trade({
    scenario: 'refund_failed_card_closed',
    day: days(20),
    hour: 16,
    method: 'debit_card',
    amountFen: 89900,
    merchant: 2,
  });
  refund(closed, {
    amountFen: 89900,
    requestedAt: at(wd(3), 9, 30),
    completesAfterMs: 20 * 60 * 60_000,
    failure: '原卡账户已注销',
  });
  const partial = trade({
    scenario: 'refund_partial',
    day: days(10),
    hour: 15,
    method: 'credit_card',
    amountFen: 36800,
    merchant: 1,
  });
  refund(partial, { amountFen: 12000, requestedAt: at(days(8), 13, 20), completesAfterMs: 2 * DAY });
  const twice = trade({
    scenario: 'refund_twice',
    day: days(14),
    hour: 11,
    method: 'alipay',
    funding: 'card',
    amountFen: 50000,
    merchant: 1,
  });
  refund(twice, { amountFen: 10000, requestedAt: at(days(12), 10, 0), completesAfterMs: DAY });
  refund(twice, { amountFen: 15000, requestedAt: at(days(9), 17, 45), completesAfterMs: DAY });
  const voided = trade({
    scenario: 'void_same_day',
    day: today,
    hour: 0,
    minutesAgo: 150,
    method: 'debit_card',
    amountFen: 12800,
    merchant: 0,
  });
  refund(voided, {
    kind: 'void',
    amountFen: 12800,
    requestedAt: new Date(now.getTime() - 120 * 60_000),
    completesAfterMs: 0,
  });
  trades.push(processing, overdue, qr, closed, partial, twice, voided);
  trades.push(
    trade({
      scenario: 'paid_not_refunded',
      day: days(4),
      hour: 20,
      method: 'credit_card',
      amountFen: 23500,
      merchant: 0,
    }),
  );
  trades.push(
    trade({
      scenario: 'payment_failed',
      day: today,
      hour: 0,
      minutesAgo: 90,
      method: 'debit_card',
      amountFen: 6600,
      merchant: 1,
      outcome: 'FAIL',
    }),
  );
  const pending = trade({
    scenario: 'payment_processing',
    day: today,
    hour: 0,
    minutesAgo: 3,
    method: 'unionpay_qr',
    amountFen: 1990,
    merchant: 1,
    outcome: 'DEAL',
  });
  pending.settlesAt = new Date(now.getTime() + 30 * 60_000);
  trades.push(pending);

  // ordinary traffic around them
  const methods: PaymentMethod[] = [
    'debit_card',
    'debit_card',
    'credit_card',
    'credit_card',
    'wechat',
    'alipay',
    'unionpay_qr',
  ];
  for (let d = 60; d >= 1; d--) {
    const count = 2 + Math.floor(random() * 4);
    for (let i = 0; i < count; i++) {
      const method = methods[Math.floor(random() * methods.length)] as PaymentMethod;
      const wallet = method === 'wechat' || method === 'alipay';
      const t = trade({
        day: days(d),
        hour: 9 + Math.floor(random() * 12),
        method,
        ...(wallet && { funding: random() < 0.6 ? ('balance' as const) : ('card' as const) }),
        amountFen: Math.round((5 + random() * 800) * 10) * 10,
        outcome: random() < 0.04 ? 'FAIL' : 'SUCCESS',
      });
      if (t.outcome === 'SUCCESS' && random() < 0.08) {
        refund(t, {
          amountFen: t.amountFen,
          requestedAt: new Date(t.tradeTime.getTime() + DAY),
          completesAfterMs: (wallet ? 0.01 : 2) * DAY,
        });
      }
      trades.push(t);
    }
  }
  return trades;
}
