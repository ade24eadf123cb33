// Amounts written without a currency mark, which count only after words of paying or refunding
// ("买了520的东西", "退了两百五", "paid 1.2k"): without such a word a bare number is too often
// a count, a code or a date to be read as money.
import { CHINESE_NUMERAL, parseChineseNumber } from './chinese-number.js';

const CONTEXT = [
  '买了',
  '买的',
  '花了',
  '付了',
  '付款',
  '支付了',
  '支付',
  '刷了',
  '消费了',
  '消费',
  '退了',
  '退回了',
  '退回',
  '退给我',
  '退我',
  '退款',
  '收了',
  '扣了',
  '扣款',
  '金额',
  '总额',
  '总价',
  '原价',
  '实付',
  '一共',
  '共计',
  '合计',
  String.raw`\bpaid`,
  String.raw`\bpay`,
  String.raw`\bspent`,
  String.raw`\bcharged`,
  String.raw`\brefunded`,
  String.raw`\brefund of`,
  String.raw`\brefund`,
  String.raw`\bamount of`,
  String.raw`\bamount`,
  String.raw`\bcost`,
  String.raw`\btotal of`,
  String.raw`\btotal`,
].join('|');
// between the word and the number: 了 / 是 / 约 / "me" / "only" …, at most two of them
const GAP = String.raw`(?:\s*(?:了|的|是|为|:|：|约|大概|差不多|大约|around|about|was|is|me|only|just|back)){0,2}\s*`;
// at least two digits or a decimal: "we only refunded 2" counts items far more often than yuan
const ARABIC = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|[1-9]\d{1,6}(?:\.\d{1,2})?|\d\.\d{1,2}`;
// a Chinese numeral with a unit in it: 两百五, 一千二, 五十; a lone 一 or 两 is a count (退了一半, 两遍)
const CN = `${CHINESE_NUMERAL}*[十百千万]${CHINESE_NUMERAL}*`;
// what makes the number a count, a duration, a date or a time instead
const NOT_MONEY = String.raw`(?!\d|[.,]\d|@|\.[a-z]|\s*(?:次|单|笔|个|天|遍|张|件|%|号|月|年|日|点|:|小时|分|秒|周|星期|礼拜|位|台|岁|多|来|样|times?\b|days?\b|orders?\b|items?\b|pcs\b|hours?\b|min|weeks?\b|months?\b|years?\b|am\b|pm\b|x\b|\*|-\d))`;

const RE = new RegExp(
  String.raw`(?:${CONTEXT})${GAP}(?:(${ARABIC})\s*(k|w|千|万)?(?![a-z])|(${CN}))${NOT_MONEY}`,
  'giu',
);

const MULTIPLIER: Record<string, number> = { k: 1000, 千: 1000, w: 10_000, 万: 10_000 };

/** The first amount after a word of paying or refunding, in fen, with where it starts. */
export function findContextAmount(
  text: string,
): { fen: number; index: number; end: number; text: string } | undefined {
  RE.lastIndex = 0;
  for (let m = RE.exec(text); m; m = RE.exec(text)) {
    const yuan = m[1]
      ? Number(m[1].replace(/,/g, '')) * (MULTIPLIER[(m[2] ?? '').toLowerCase()] ?? 1)
      : parseChineseNumber(m[3] ?? '');
    if (yuan !== undefined && Number.isFinite(yuan) && yuan > 0) {
      return { fen: Math.round(yuan * 100), index: m.index, end: m.index + m[0].length, text: m[0].trim() };
    }
  }
  return undefined;
}
