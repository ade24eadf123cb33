/** Black or white text, whichever reads better on the brand colour (WCAG contrast). */
export function textOn(hex: string): string {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h.slice(0, 6);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = Number.parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000' : '#fff';
}

export function css(color: string, side: 'left' | 'right'): string {
  const on = textOn(color);
  return `
.panel{position:fixed;bottom:20px;${side}:20px;z-index:2147483001;width:380px;max-width:calc(100vw - 40px);height:600px;max-height:calc(100vh - 40px);display:flex;flex-direction:column;background:#fff;color:#1f2328;border-radius:14px;box-shadow:0 8px 32px rgba(0,0,0,.28);font:15px/1.5 system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;overflow:hidden}
.panel[hidden]{display:none}
header{display:flex;align-items:center;gap:8px;padding:12px 14px;background:${color};color:${on}}
header h2{flex:1;margin:0;font-size:16px;font-weight:600}
header .mode{font-size:12px;border:1px solid currentColor;border-radius:10px;padding:0 8px}
header .mode[hidden]{display:none}
button{font:inherit;cursor:pointer}
button:focus-visible,a:focus-visible,textarea:focus-visible{outline:3px solid #1f2328;outline-offset:2px}
.close{background:transparent;border:0;color:inherit;font-size:22px;line-height:1;width:36px;height:36px;border-radius:8px}
.banner{padding:8px 14px;background:#fff1b8;color:#613400;font-size:13px}
.banner[hidden]{display:none}
.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px;background:#f6f7f9}
.msg{max-width:88%;display:flex;flex-direction:column;gap:4px}
.msg.user{align-self:flex-end;align-items:flex-end}
.bubble{padding:8px 12px;border-radius:12px;background:#fff;border:1px solid #d8dee4;word-break:break-word}
.user .bubble{background:${color};color:${on};border-color:${color}}
.agent .bubble{border-color:#389e0d}
.system .bubble{background:transparent;border:0;color:#57606a;font-size:13px;text-align:center}
.bubble p{margin:0 0 6px}.bubble p:last-child{margin:0}
.bubble ol,.bubble ul{margin:4px 0;padding-left:22px}
.bubble a{color:inherit}
.meta{font-size:12px;color:#57606a;display:flex;gap:8px;align-items:center}
.meta .who{font-weight:600}
.pending{opacity:.7}
.failed .bubble{border:2px solid #cf1322}
.choices{display:flex;flex-wrap:wrap;gap:6px}
.choices button{background:#fff;border:1px solid ${color};color:#0b3f8c;border-radius:16px;padding:5px 12px;font-size:14px}
.choices button:hover{background:#f0f5ff}
.card{background:#fff;border:1px solid #d8dee4;border-radius:12px;padding:10px 12px}
.card h3{margin:0 0 6px;font-size:15px}
.card dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:2px 10px;font-size:14px}
.card dt{color:#57606a}.card dd{margin:0}
.article{display:block;background:#fff;border:1px solid #d8dee4;border-left:4px solid ${color};border-radius:8px;padding:8px 12px;color:#1f2328;text-decoration:none}
.article:hover strong{text-decoration:underline}
.article strong,.article span{display:block}
.article .snippet{margin:4px 0;color:#3d444d;font-size:14px}
.article .more{margin-top:2px;color:#0550ae;font-size:14px}
.rate{display:flex;gap:4px}
.rate button{background:transparent;border:1px solid #d8dee4;border-radius:12px;padding:0 8px;font-size:13px;min-height:28px}
.rate button[aria-pressed=true]{background:#e6f4ff;border-color:${color}}
.typing{font-size:13px;color:#57606a;padding:0 14px 6px}
.typing[hidden]{display:none}
form{display:flex;gap:8px;align-items:flex-end;padding:10px;border-top:1px solid #d8dee4;background:#fff}
textarea{flex:1;resize:none;border:1px solid #8c959f;border-radius:10px;padding:8px 10px;font:inherit;max-height:120px;min-height:40px}
.send{background:${color};color:${on};border:0;border-radius:10px;padding:0 14px;min-height:40px;font-weight:600}
.attach{background:#fff;border:1px solid #8c959f;border-radius:10px;min-width:40px;min-height:40px;font-size:18px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:479px){.panel{inset:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0}}
`;
}
