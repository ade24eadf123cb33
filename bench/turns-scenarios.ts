// The conversations the `turns` section walks: main paths through the five troubleshooting trees,
// written the way people write to support (details up front, short answers, a button pressed).
// Each user knows the facts of their case (who they are, how they paid, when) and answers with
// them when asked, whether or not the opening already said so. Each has its opening message and
// what its user answers: at a question with buttons, the first
// listed press() whose label is among them (else the next say(), typed, else the first button); at
// a question without buttons, the next say(). Each answer is given once.

export type Answer = { say: string } | { press: string };
export const say = (text: string): Answer => ({ say: text });
/** The button whose label contains this (the first button when none does). */
export const press = (label: string): Answer => ({ press: label });

export interface Scenario {
  tree: Tree;
  locale: 'zh' | 'en';
  opening: string;
  answers: Answer[];
}

export const trees = [
  'refund not received',
  'wrong amount',
  'refund/void failed',
  'documents to prepare',
  'void or refund',
] as const;
export type Tree = (typeof trees)[number];

export const scenarios: Scenario[] = [
  // refund not received
  {
    tree: 'refund not received',
    locale: 'zh',
    opening: '我上周五刷信用卡退的款还没到',
    answers: [press('信用卡'), say('上周五')],
  },
  {
    tree: 'refund not received',
    locale: 'zh',
    opening: '退款还没到账',
    answers: [press('借记卡'), say('前天')],
  },
  {
    tree: 'refund not received',
    locale: 'zh',
    opening: '用微信付的，商家说昨天退了，到现在还没收到',
    answers: [press('微信'), press('银行卡'), say('昨天')],
  },
  {
    tree: 'refund not received',
    locale: 'en',
    opening: "The shop refunded me on Monday but the money still hasn't shown up on my debit card",
    answers: [press('Debit'), say('Monday')],
  },
  {
    tree: 'refund not received',
    locale: 'en',
    opening: 'refund not received',
    answers: [press('Credit'), say('3 days ago')],
  },

  // wrong amount
  {
    tree: 'wrong amount',
    locale: 'zh',
    opening: '退款金额不对，少了一百块',
    answers: [press('顾客'), press('少了'), press('部分')],
  },
  {
    tree: 'wrong amount',
    locale: 'zh',
    opening: '给客人分两次退的款，客人说退的金额对不上',
    answers: [press('商户'), press('少了'), press('分几次')],
  },
  {
    tree: 'wrong amount',
    locale: 'zh',
    opening: '我刷的是境外卡，退回来的钱和付的不一样',
    answers: [press('顾客'), press('少了'), press('外币')],
  },
  {
    tree: 'wrong amount',
    locale: 'en',
    opening: 'the refund that came back is smaller than what I paid for it',
    answers: [press('customer'), press('Less'), say('I think they took a fee off')],
  },
  {
    tree: 'wrong amount',
    locale: 'en',
    opening: 'my customer says the refund amount is wrong',
    answers: [press('merchant'), press('Not sure')],
  },

  // refund or void failed
  { tree: 'refund/void failed', locale: 'zh', opening: '退款的时候提示权限不足', answers: [press('权限')] },
  {
    tree: 'refund/void failed',
    locale: 'zh',
    opening: 'POS机退货一直超时，退不了',
    answers: [press('超时')],
  },
  {
    tree: 'refund/void failed',
    locale: 'zh',
    opening: '撤销失败了',
    answers: [press('屏幕提示'), say('原交易不存在')],
  },
  {
    tree: 'refund/void failed',
    locale: 'en',
    opening: 'refund failed on the terminal, it asks for a supervisor password',
    answers: [press('permission')],
  },
  {
    tree: 'refund/void failed',
    locale: 'en',
    opening: "I can't refund a sale from 4 months ago, the terminal won't let me",
    answers: [press('failed'), press('too old')],
  },

  // documents to prepare
  {
    tree: 'documents to prepare',
    locale: 'en',
    opening: 'what do I need to prepare for a refund application as a merchant',
    answers: [press('merchant'), press('application')],
  },
  {
    tree: 'documents to prepare',
    locale: 'zh',
    opening: '申请退款需要准备哪些材料',
    answers: [press('商户'), press('退款申请')],
  },
  {
    tree: 'documents to prepare',
    locale: 'zh',
    opening: '顾客拒付了，我们商户要准备什么材料',
    answers: [press('材料'), press('商户'), press('调单')],
  },
  {
    tree: 'documents to prepare',
    locale: 'zh',
    opening: '我是顾客，退款一直没到，要查的话需要提供什么',
    answers: [press('顾客'), press('没到'), press('借记卡'), say('上周五')],
  },
  {
    tree: 'documents to prepare',
    locale: 'en',
    opening: 'documents needed for a chargeback',
    answers: [press('merchant'), press('Chargeback')],
  },

  // void or refund
  {
    tree: 'void or refund',
    locale: 'zh',
    opening: '客人要退一半，今天刷的',
    answers: [press('怎么退款'), press('今天'), press('还没结算')],
  },
  {
    tree: 'void or refund',
    locale: 'zh',
    opening: '顾客要退货，怎么操作',
    answers: [press('更早'), say('上周三')],
  },
  {
    tree: 'void or refund',
    locale: 'zh',
    opening: '撤销和退货有什么区别',
    answers: [press('今天'), press('还没结算')],
  },
  {
    tree: 'void or refund',
    locale: 'en',
    opening: 'how do I refund a customer who paid yesterday',
    answers: [press('Earlier'), say('yesterday')],
  },
  {
    tree: 'void or refund',
    locale: 'en',
    opening: 'customer wants to cancel a card payment from this morning',
    answers: [press('Today'), press('Not yet')],
  },
];
