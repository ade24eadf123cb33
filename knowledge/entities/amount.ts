import { findContextAmount } from './amount-context.js';
import { CHINESE_NUMERAL, parseChineseNumber } from './chinese-number.js';

export interface Amount {
  /** In fen (1 yuan = 100 fen), an integer: amounts are never floating point past the parser. */
  fen: number;
  currency: 'CNY' | 'USD';
  /** The words it was read from. */
  text: string;
}

const NUM = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;
const CN = `${CHINESE_NUMERAL}+`;
const JIAO = String.raw`(?:\s*(\d|[一二两三四五六七八九])(?:\s*[毛角])?(?![\d万千百十]))?`;

// Order matters only for readability: all patterns run and the earliest match in the text wins.
const PATTERNS: Array<{ re: RegExp; read: (m: RegExpExecArray) => Omit<Amount, 'text'> | undefined }> = [
  {
    // ¥12.50  $20  RMB 100  CNY88  usd 20
    re: new RegExp(String.raw`(¥|\$|rmb|cny|usd)\s*(${NUM})\s*(万)?`, 'giu'),
    read: (m) =>
      arabic(m[2], { wan: m[3], usd: m[1]?.toLowerCase() === '$' || m[1]?.toLowerCase() === 'usd' }),
  },
  {
    // 12.5元  12块5  3块2毛  1.2万  100 yuan  20 dollars  5毛
    re: new RegExp(
      String.raw`(?<![\d.])(${NUM})\s*(?:(万)\s*(?:元|块钱|块|圆|rmb)?|(元|块钱|块|圆|rmb|cny|yuan|usd|dollars?|bucks?)${JIAO}|([毛角]))`,
      'giu',
    ),
    read: (m) => {
      if (m[5]) return { fen: Math.round(Number(m[1]) * 10), currency: 'CNY' };
      const usd = /usd|dollar|buck/i.test(m[3] ?? '');
      return arabic(m[1], { wan: m[2], tail: m[4], usd });
    },
  },
  {
    // 十二块五  一百二十元  五毛  两千块  三块二毛
    re: new RegExp(String.raw`(${CN})\s*(?:(元|块钱|块|圆)${JIAO}|([毛角]))`, 'gu'),
    read: (m) => {
      const value = parseChineseNumber(m[1] ?? '');
      if (value === undefined) return undefined;
      if (m[4]) return { fen: Math.round(value * 10), currency: 'CNY' };
      return { fen: Math.round(value * 100) + jiao(m[3]), currency: 'CNY' };
    },
  },
];

function jiao(text: string | undefined): number {
  if (!text) return 0;
  const n = /\d/.test(text) ? Number(text) : parseChineseNumber(text);
  return n === undefined ? 0 : n * 10;
}

interface ArabicParts {
  /** 万 after the number: ten thousands. */
  wan?: string | undefined;
  /** The jiao after 块 (12块5). */
  tail?: string | undefined;
  usd: boolean;
}

function arabic(num: string | undefined, { wan, tail, usd }: ArabicParts): Omit<Amount, 'text'> | undefined {
  if (!num) return undefined;
  const value = Number(num.replace(/,/g, '')) * (wan ? 10_000 : 1);
  if (!Number.isFinite(value)) return undefined;
  return { fen: Math.round(value * 100) + (tail ? jiao(tail) : 0), currency: usd ? 'USD' : 'CNY' };
}

/**
 * The first money amount in the text with a currency mark (¥, 元, 块, RMB…); failing that, the
 * first number after a word of paying or refunding (买了520的东西, 退了两百五). A marked amount
 * wins over an unmarked one even when it comes later ("付了100退了80块" → 80): the mark is
 * certain, the context a guess. Text must be lower case.
 */
export function findAmount(text: string): Amount | undefined {
  return locateAmount(text)?.amount;
}

/** The same, with where its words are in the text (`end` exclusive). */
export function locateAmount(text: string): { amount: Amount; index: number; end: number } | undefined {
  const marked = findMarkedAmount(text);
  if (marked) return marked;
  const unmarked = findContextAmount(text);
  if (!unmarked || unmarked.fen >= 1e13) return undefined;
  return {
    amount: { fen: unmarked.fen, currency: 'CNY', text: unmarked.text },
    index: unmarked.index,
    end: unmarked.end,
  };
}

function findMarkedAmount(text: string): { amount: Amount; index: number; end: number } | undefined {
  let best: { index: number; end: number; amount: Amount } | undefined;
  for (const { re, read } of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (best && m.index >= best.index) break;
      const value = read(m);
      if (value && value.fen > 0 && value.fen < 1e13) {
        best = { index: m.index, end: m.index + m[0].length, amount: { ...value, text: m[0].trim() } };
        break;
      }
    }
  }
  return best;
}

/** An amount in fen as people read it: ¥12.50. */
export function formatYuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}
