// The onsite renderer, served as /sdk/onsite.js and loaded by the core SDK only when a page calls
// `init(key, { onsite: true })`: asks POST /v1/decide what to show on this page, arms each
// placement's triggers, renders overlays and inline slots in shadow roots, swaps CTAs, and reports
// impressions, clicks and dismissals. No dependencies.
import type { OnsiteStart, OnsiteState } from './types';
import { clean } from './clean';
import { css } from './styles';
import { findProducts } from '../capture/products';

interface Decision {
  id: string;
  kind: 'top_bar' | 'modal' | 'slide_in' | 'inline' | 'cta';
  html?: string;
  target?: string;
  text?: string;
  href?: string;
  triggers: { scrollPercent?: number; delaySeconds?: number; exitIntent?: boolean };
  token: string;
}

/** The product of the page (JSON-LD or `data-product-id`), which recommendation blocks can start from. */
function pageProduct(): string | undefined {
  const el = document.querySelector<HTMLElement>('[data-overture-product][data-product-id]');
  if (el) return el.dataset.productId;
  for (const s of document.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      const p = findProducts(JSON.parse(s.textContent!))[0];
      const id = p && (p.sku ?? p.productID ?? p.mpn ?? p['@id']);
      if (id != null) return String(id).slice(0, 255);
    } catch {
      // a site's broken JSON-LD is not our error
    }
  }
}

export const start: OnsiteStart = (sdk, writeKey, host, state) => {
  let shownFor = '';
  const undo: Array<() => void> = [];

  const report = (token: string, kind: 'impression' | 'click' | 'dismiss', href?: string) => {
    const body = JSON.stringify({ writeKey, events: [{ token, kind, href }] });
    const url = host + '/v1/decide/events';
    // A click may navigate away at once: a beacon outlives the page, fetch keepalive is the fallback.
    if (!navigator.sendBeacon?.(url, body)) void fetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit' }).catch(() => undefined);
  };

  const clear = () => {
    for (const fn of undo.splice(0)) fn();
  };

  function overlay(d: Decision) {
    const el = document.createElement('div');
    el.setAttribute('data-overture-placement', d.kind);
    const root = el.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>${css}</style>${d.kind == 'modal' ? '<div class="bg"></div>' : ''}<div class="b ${d.kind}" role="${d.kind == 'modal' ? 'dialog' : 'region'}"><button class="x" aria-label="Close">\u00d7</button><div class="c"></div></div>`;
    root.querySelector('.c')!.append(clean(d.html ?? ''));
    let close = () => el.remove();
    root.addEventListener('click', (e) => {
      const t = e.target as Element;
      if (t.closest('.x,.bg,[data-overture-dismiss]')) {
        report(d.token, 'dismiss');
        close();
        return;
      }
      const a = t.closest('a,button,[data-overture-click]');
      if (a) report(d.token, 'click', (a as HTMLAnchorElement).href || undefined);
    });
    document.body.append(el);
    if (d.kind == 'top_bar') {
      // The bar pushes the page down by its height instead of covering the site's own header.
      const html = document.documentElement.style;
      const before = html.paddingTop;
      html.paddingTop = parseFloat(getComputedStyle(document.documentElement).paddingTop) + (root.querySelector('.b') as HTMLElement).offsetHeight + 'px';
      close = () => {
        el.remove();
        html.paddingTop = before;
      };
    }
    undo.push(close);
    report(d.token, 'impression');
  }

  function inline(d: Decision) {
    const slots = document.querySelectorAll(`[data-overture-slot="${CSS.escape(d.target ?? '')}"]`);
    if (!slots.length) return;
    for (const slot of slots) {
      const el = document.createElement('div');
      el.setAttribute('data-overture-placement', 'inline');
      const root = el.attachShadow({ mode: 'open' });
      root.append(clean(d.html ?? ''));
      root.addEventListener('click', (e) => {
        const a = (e.target as Element).closest('a,button,[data-overture-click]');
        if (a) report(d.token, 'click', (a as HTMLAnchorElement).href || undefined);
      });
      const before = [...slot.childNodes];
      slot.replaceChildren(el);
      undo.push(() => slot.replaceChildren(...before));
    }
    report(d.token, 'impression');
  }

  function cta(d: Decision) {
    let el: HTMLElement | null = null;
    try {
      el = document.querySelector(d.target ?? '');
    } catch {
      return; // not a valid selector on this browser
    }
    if (!el) return;
    const target = el;
    const text = target.textContent;
    const href = target.getAttribute('href');
    if (d.text != null) target.textContent = d.text;
    if (d.href && target instanceof HTMLAnchorElement) target.href = d.href;
    const onClick = () => report(d.token, 'click', d.href);
    target.addEventListener('click', onClick);
    undo.push(() => {
      target.removeEventListener('click', onClick);
      target.textContent = text;
      if (href != null) target.setAttribute('href', href);
    });
    report(d.token, 'impression');
  }

  const show = (d: Decision) => (d.kind == 'inline' ? inline(d) : d.kind == 'cta' ? cta(d) : overlay(d));

  /** Shows at once without triggers, else when the first of them fires. */
  function arm(d: Decision) {
    const { scrollPercent, delaySeconds, exitIntent } = d.triggers;
    if (!scrollPercent && !delaySeconds && !exitIntent) return show(d);
    const off: Array<() => void> = [];
    const fire = () => {
      for (const fn of off.splice(0)) fn();
      show(d);
    };
    if (delaySeconds) {
      const t = setTimeout(fire, delaySeconds * 1000);
      off.push(() => clearTimeout(t));
    }
    if (scrollPercent) {
      const onScroll = () => {
        const doc = document.documentElement;
        if (((scrollY + innerHeight) / Math.max(doc.scrollHeight, 1)) * 100 >= scrollPercent) fire();
      };
      addEventListener('scroll', onScroll, { passive: true });
      off.push(() => removeEventListener('scroll', onScroll));
    }
    if (exitIntent) {
      const onOut = (e: MouseEvent) => !e.relatedTarget && e.clientY <= 0 && fire();
      document.addEventListener('mouseout', onOut);
      off.push(() => document.removeEventListener('mouseout', onOut));
    }
    undo.push(() => {
      for (const fn of off.splice(0)) fn();
    });
  }

  // Placements armed on this page: a second answer (after a partial one) adds, never repeats.
  const armed = new Set<string>();

  async function ask([ids, consent]: ReturnType<OnsiteState>, tries: number) {
    const res = await fetch(host + '/v1/decide', {
      method: 'POST',
      credentials: 'omit',
      body: JSON.stringify({ writeKey, anonymousId: ids.a, userId: ids.u, url: location.href, productId: pageProduct(), consent }),
    });
    if (!res.ok) return;
    const { placements, partial } = (await res.json()) as { placements: Decision[]; partial?: boolean };
    if (location.href != shownFor) return; // the visitor moved on while we asked
    for (const d of placements) {
      if (armed.has(d.id)) continue;
      armed.add(d.id);
      try {
        arm(d);
      } catch {
        // one broken placement must not keep the others away
      }
    }
    // The server answered before it knew the visitor (a first page view): it is looking them up
    // now, so asking again shortly gets the personal placements on this same page (0.4, 1.2, 3.6 s).
    if (partial && tries < 3) setTimeout(() => location.href == shownFor && void ask([ids, consent, undefined], tries + 1).catch(() => undefined), 400 * 3 ** tries);
  }

  async function run() {
    const current = state();
    const [, consent, requireConsent] = current;
    // Onsite content is marketing: it needs marketing consent where consent is asked for.
    if (consent.analytics === false || !(consent.marketing ?? !requireConsent)) return clear();
    if (location.href == shownFor) return;
    shownFor = location.href;
    clear();
    armed.clear();
    try {
      await ask(current, 0);
    } catch {
      shownFor = ''; // offline or blocked: try again on the next page view
    }
  }

  sdk.on('page', () => void run());
  void run();
};
