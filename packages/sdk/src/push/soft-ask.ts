// The soft ask: a small in-page prompt before the browser's permission prompt. A browser prompt
// that is refused can only be undone by the visitor in site settings, so it is opened only for
// visitors who said yes here; "Not now" is remembered and not asked again for a while.

const declinedKey = 'ov_push_declined';
const day = 86_400_000;

export function askedRecently(reaskAfterDays = 30): boolean {
  try {
    const at = Number(localStorage.getItem(declinedKey));
    return at > 0 && Date.now() - at < reaskAfterDays * day;
  } catch {
    return false;
  }
}

const store = (v: string | null) => {
  try {
    if (v) localStorage.setItem(declinedKey, v);
    else localStorage.removeItem(declinedKey);
  } catch {
    // storage unavailable: the visitor may be asked again next visit
  }
};
export const rememberDecline = () => store(String(Date.now()));
export const forgetDecline = () => store(null);

const css = `:host{all:initial}
.b{position:fixed;z-index:2147483647;left:16px;right:16px;bottom:16px;margin:0 auto;max-width:380px;box-sizing:border-box;padding:16px 18px;border-radius:12px;
background:#fff;color:#1a1a1a;font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;box-shadow:0 6px 28px rgba(0,0,0,.22)}
h2{margin:0 24px 4px 0;font-size:15px}p{margin:0 0 12px}.r{display:flex;gap:8px;justify-content:flex-end}
button{font:inherit;border-radius:8px;padding:7px 14px;cursor:pointer;border:1px solid #c8c8c8;background:#fff;color:inherit}
.y{background:#1a1a1a;border-color:#1a1a1a;color:#fff}.x{position:absolute;top:8px;right:8px;border:0;padding:2px 8px;font-size:18px;line-height:1}
button:focus-visible{outline:2px solid #2563eb;outline-offset:2px}`;

export interface SoftAskText {
  title?: string;
  body?: string;
  allow?: string;
  deny?: string;
}

/**
 * Shows the prompt (in Shadow DOM, so the site's styles neither break it nor are broken by it) and
 * resolves with the browser's answer after "Allow", or `dismissed` after "Not now", ×, or Escape.
 */
export function softAsk(text: SoftAskText): Promise<NotificationPermission | 'dismissed'> {
  return new Promise((resolve) => {
    const host = document.createElement('div');
    host.setAttribute('data-overture-push-ask', '');
    const root = host.attachShadow({ mode: 'open' });
    const el = (tag: string, attrs: Record<string, string>, label = '') => {
      const e = document.createElement(tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      e.textContent = label; // text only: the wording comes from site code, never markup
      return e;
    };
    const style = el('style', {}, css);
    const box = el('div', { class: 'b', role: 'dialog', 'aria-labelledby': 'ov-t', 'aria-describedby': 'ov-d' });
    const allow = el('button', { class: 'y', type: 'button', part: 'allow' }, text.allow ?? 'Allow');
    const deny = el('button', { type: 'button', part: 'deny' }, text.deny ?? 'Not now');
    const close = el('button', { class: 'x', type: 'button', 'aria-label': 'Close' }, '×');
    const row = el('div', { class: 'r' });
    row.append(deny, allow);
    box.append(close, el('h2', { id: 'ov-t' }, text.title ?? 'Get notified?'), el('p', { id: 'ov-d' }, text.body ?? 'We can let you know about your orders, restocks and price drops. You can turn this off at any time.'), row);
    root.append(style, box);
    const done = (answer: NotificationPermission | 'dismissed' | Promise<NotificationPermission>) => {
      host.remove();
      removeEventListener('keydown', onKey, true);
      resolve(answer);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && done('dismissed');
    // requestPermission is called inside the click: browsers require a user gesture for the prompt.
    allow.onclick = () => done(Notification.requestPermission());
    deny.onclick = close.onclick = () => done('dismissed');
    addEventListener('keydown', onKey, true);
    document.body.append(host);
    allow.focus({ preventScroll: true });
  });
}
