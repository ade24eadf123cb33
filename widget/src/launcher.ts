// The embed: <script src="https://HOST/widget.js" data-title="…" data-color="#1677ff" async></script>
// It adds one button, in a Shadow DOM of its own, and loads the chat panel on the first click.
// The page gets one global, window.RefundAssistant: open(), close(), setLocale(), identify().
import { LAUNCHER_LABEL } from './panel/i18n.js';
import { NAMESPACE, type PanelApi, type WidgetOptions } from './shared.js';

type Call = [keyof PanelApi, unknown[]];

(() => {
  if (window[NAMESPACE]?.open) return; // embedded twice: the first one wins
  const script = document.currentScript as HTMLScriptElement | null;
  const src = script?.src ?? '';
  const base = src ? new URL('.', src).href : `${location.origin}/`;
  const data = script?.dataset ?? {};
  const lang = (data.locale ?? document.documentElement.lang ?? navigator.language)
    .toLowerCase()
    .startsWith('en')
    ? 'en'
    : 'zh';
  const options: WidgetOptions = {
    server: data.server ?? new URL(base).origin,
    ...(data.title && { title: data.title }),
    ...(data.color && /^#[0-9a-f]{3,8}$/i.test(data.color) && { color: data.color }),
    position: data.position === 'left' ? 'left' : 'right',
    locale: lang,
    ...(data.greeting && { greeting: data.greeting }),
    ...(data.token && { token: data.token }),
  };

  const host = document.createElement('div');
  host.setAttribute('data-refund-assistant', '');
  const root = host.attachShadow({ mode: 'open' });
  const color = options.color ?? '#1677ff';
  const side = options.position === 'left' ? 'left' : 'right';
  root.innerHTML = `<style>
:host{all:initial}
.launcher{position:fixed;bottom:20px;${side}:20px;z-index:2147483000;display:flex;align-items:center;gap:8px;border:0;border-radius:28px;padding:0 20px;height:56px;background:${color};color:#fff;font:600 15px/1 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.25);cursor:pointer}
.launcher:focus-visible{outline:3px solid #000;outline-offset:3px}
.launcher[aria-expanded=true]{display:none}
.badge{min-width:20px;height:20px;border-radius:10px;background:#d4380d;color:#fff;font-size:12px;line-height:20px;text-align:center;padding:0 6px}
.badge[hidden]{display:none}
@media (prefers-reduced-motion:no-preference){.launcher{transition:transform .15s}.launcher:hover{transform:translateY(-2px)}}
</style><button class="launcher" type="button" aria-haspopup="dialog" aria-expanded="false"><svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M4 4h16v11H7l-3 3z"/></svg><span class="label"></span><span class="badge" hidden></span></button>`;
  const button = root.querySelector('button') as HTMLButtonElement;
  const label = root.querySelector('.label') as HTMLElement;
  const badge = root.querySelector('.badge') as HTMLElement;
  const name = (l: string) => LAUNCHER_LABEL[l === 'en' ? 'en' : 'zh'];
  label.textContent = name(lang);
  button.setAttribute('aria-label', name(lang));

  let panel: PanelApi | undefined;
  let loading: Promise<void> | undefined;
  const queued: Call[] = [];

  const load = () => {
    loading ??= new Promise<void>((resolve, reject) => {
      const s = document.createElement('script');
      s.src = `${base}widget-panel.js`;
      s.async = true;
      s.onload = () => {
        const mount = window[NAMESPACE]?._mount;
        if (!mount) return reject(new Error('panel did not load'));
        panel = mount({
          root,
          options,
          launcher: button,
          onUnread: (n) => {
            badge.hidden = n === 0;
            badge.textContent = n > 9 ? '9+' : String(n);
            button.setAttribute('aria-label', n ? `${name(lang)} (${n})` : name(lang));
          },
          onOpenChange: (open) => button.setAttribute('aria-expanded', String(open)),
        });
        for (const [method, args] of queued.splice(0)) (panel[method] as (...a: unknown[]) => void)(...args);
        resolve();
      };
      s.onerror = () => {
        loading = undefined;
        reject(new Error('panel failed to load'));
      };
      document.head.appendChild(s);
    });
    return loading;
  };

  const call =
    (method: keyof PanelApi) =>
    (...args: unknown[]) => {
      if (panel) (panel[method] as (...a: unknown[]) => void)(...args);
      else {
        queued.push([method, args]);
        if (method === 'open' || method === 'ask') void load();
      }
    };
  const api = {
    open: call('open'),
    close: call('close'),
    setLocale: call('setLocale'),
    identify: call('identify'),
    ask: (text: string) => {
      api.open();
      call('ask')(text);
    },
  };
  window[NAMESPACE] = Object.assign(window[NAMESPACE] ?? {}, api);
  button.addEventListener('click', () => api.open());
  (document.body ?? document.documentElement).appendChild(host);
})();
