// The consumer help page: example questions, and the sandbox's transactions to try look-ups with.
const ask = (q) => window.RefundAssistant?.ask(q);
const questions = [
  '退款多久能到账？',
  '刷卡退款失败了怎么办',
  '退款金额不对，少了',
  '申请退款要准备什么材料',
  '撤销和退货有什么区别',
  'My refund has not arrived yet',
];
const box = document.getElementById('examples');
for (const q of questions) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = q;
  b.addEventListener('click', () => ask(q));
  box.appendChild(b);
}
fetch('/demo/fixtures')
  .then((r) => (r.ok ? r.json() : []))
  .then((rows) => {
    const body = document.querySelector('#fixtures tbody');
    for (const f of rows) {
      const tr = document.createElement('tr');
      for (const v of [f.scenario, f.reference, `¥${(f.amountFen / 100).toFixed(2)}`, f.cardLast4 || '—']) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.appendChild(td);
      }
      tr.addEventListener('click', () => ask(`帮我查一下参考号 ${f.reference} 的退款`));
      body.appendChild(tr);
    }
  });
