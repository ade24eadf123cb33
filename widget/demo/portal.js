// The mock merchant portal: as a real portal's server would, it asks its server for a short-lived
// token for the signed-in merchant, then embeds the widget with it (merchant mode).
fetch('/demo/token')
  .then((r) => r.json())
  .then((t) => {
    const s = document.createElement('script');
    s.src = '/widget.js';
    s.async = true;
    s.dataset.title = '商户客服';
    s.dataset.token = t.token;
    document.body.appendChild(s);
    const box = document.getElementById('examples');
    for (const q of t.examples ?? []) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = q;
      b.addEventListener('click', () => window.RefundAssistant?.ask(q));
      box.appendChild(b);
    }
  });
