// Numbers a user copies off a POS slip or a merchant system. Digit runs are anchored on both sides
// so that a 16–19 digit card number or an 11-digit phone number never yields a reference.

const REFERENCE = /(?<![\dA-Za-z])(\d{12})(?![\dA-Za-z])/;
const REFERENCE_SPACED =
  /(?:参考号|ref(?:erence)?(?:\s*(?:no|number|#))?)\s*[:：#]?\s*((?:\d[\s-]?){11}\d)(?!\d)/i;
const VOUCHER =
  /(?:凭证号|凭证|流水号|voucher(?:\s*(?:no|number|#))?|trace(?:\s*(?:no|number|#))?)\s*(?:是|为|:|：|#)?\s*(\d{6})(?!\d)/i;
const ORDER =
  /(?:商户订单号|订单号|订单编号|order\s*(?:no|number|id|#)?)\s*(?:是|为|:|：|#)?\s*([A-Za-z0-9][A-Za-z0-9_-]{5,39})(?![A-Za-z0-9_-])/i;
const LAST4 = [
  /(?:尾号|尾数|后四位|后4位|末四位|末4位|末尾|卡号后四位|卡号后4位|最后四位|最后4位)\s*(?:是|为|:|：)?\s*(\d{4})(?!\d)/,
  /\b(?:ending|ends|ended)\s*(?:in|with)?\s*:?\s*(\d{4})(?!\d)/i,
  /\blast\s*(?:4|four)(?:\s*digits?)?\s*(?:is|are|=|:)?\s*(\d{4})(?!\d)/i,
  /(?<!\d)\d{4}\s?\*{2,}\s?(\d{4})(?!\d)/,
  /\*{2,}\s?(\d{4})(?!\d)/,
];

export function findReference(text: string): string | undefined {
  const spaced = REFERENCE_SPACED.exec(text);
  if (spaced?.[1]) return spaced[1].replace(/\D/g, '');
  return REFERENCE.exec(text)?.[1];
}

export function findVoucher(text: string): string | undefined {
  return VOUCHER.exec(text)?.[1];
}

export function findOrderNumber(text: string): string | undefined {
  const m = ORDER.exec(text)?.[1];
  // a labelled 12-digit number is a reference, not an order number
  return m && !/^\d{12}$/.test(m) ? m : undefined;
}

export function findCardLast4(text: string): string | undefined {
  for (const re of LAST4) {
    const m = re.exec(text);
    if (m?.[1]) return m[1];
  }
  return undefined;
}
