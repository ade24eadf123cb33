import type { Identifier, ReferenceKind } from './reference-kinds.js';

// What the acquirer can find one transaction by (Lakala's tradequery: trade_no, or out_trade_no,
// with the merchant and terminal numbers). The others identify a payment only to someone else
// (the wallet) or only narrow the search (the slip's counters, terminal, merchant).
const BY_TRADE_NO: ReadonlySet<ReferenceKind> = new Set([
  'pos_reference',
  'lakala_log_no',
  'lakala_trade_no',
]);

/**
 * The key a look-up takes, from the identifiers a user gave, the most useful first: a bare 12-digit
 * 参考号 (a log_no's last 12 digits are one), `trade:` + Lakala's trade_no, or `order:` + the
 * merchant's order number. Undefined when none of them can find a transaction.
 */
export function lookupKey(identifiers: readonly Identifier[] | undefined): string | undefined {
  const usable = (identifiers ?? []).filter((i) => BY_TRADE_NO.has(i.kind) || i.kind === 'merchant_order');
  const order: ReferenceKind[] = ['pos_reference', 'lakala_log_no', 'lakala_trade_no', 'merchant_order'];
  usable.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const best = usable[0];
  if (!best) return undefined;
  switch (best.kind) {
    case 'pos_reference':
      return best.value;
    case 'lakala_log_no':
      return best.value.slice(-12);
    case 'lakala_trade_no':
      return `trade:${best.value}`;
    default:
      return `order:${best.value}`;
  }
}

/** A look-up key back as a query: the 参考号, Lakala's trade_no, or the merchant's order number. */
export function parseLookupKey(
  key: string,
): { reference: string } | { tradeNo: string } | { orderNo: string } {
  if (key.startsWith('trade:')) return { tradeNo: key.slice(6) };
  if (key.startsWith('order:')) return { orderNo: key.slice(6) };
  return { reference: key };
}

/** Kinds the user may quote that no look-up can use: the assistant says which number it needs. */
export function unusableKind(identifiers: readonly Identifier[] | undefined): ReferenceKind | undefined {
  if (lookupKey(identifiers)) return undefined;
  return identifiers?.[0]?.kind;
}
