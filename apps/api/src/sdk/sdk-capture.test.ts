import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { duplicateRows, label, named, startSite, type Site } from '../testing/browser-harness';

// The browser SDK in Debian's Chromium, on a site of another origin, sending to the real API; every
// assertion is on what landed in ClickHouse.
let site: Site;
beforeAll(async () => {
  site = await startSite();
});
afterAll(() => site?.close());
beforeEach(() => site.fresh());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('browser SDK capture', () => {
  it('counts single-page navigations as page views, each closed by one $pageleave', async () => {
    site.page(
      '/app/*',
      site.html(`<a id="two" href="/app/two">Two</a><main id="view">one</main>
        <script>document.getElementById('two').addEventListener('click', (e) => { e.preventDefault(); history.pushState({}, '', '/app/two'); document.getElementById('view').textContent = 'two'; });</script>`),
    );
    const ctx = await site.newContext();
    const page = await ctx.newPage();
    await page.goto(`${site.url}/app/`);
    await site.waitFor((ev) => named(ev, 'page').length === 1);
    await page.click('#two');
    await page.goBack();
    await page.evaluate("location.hash = '#reviews'");
    await page.evaluate("history.replaceState({}, '', '/app/three')");
    await page.evaluate("history.replaceState({}, '', '/app/three')"); // same URL: not a new view
    await page.goto(`${site.url}/elsewhere`);

    const events = await site.waitFor((ev) => named(ev, '$pageleave').length === 5);
    const views = named(events, 'page');
    expect(views.map((e) => e.properties.url)).toEqual(['/app/', '/app/two', '/app/', '/app/#reviews', '/app/three'].map((p) => site.url + p));
    expect(views[1]!.properties.referrer).toBe(`${site.url}/app/`);
    const leaves = named(events, '$pageleave');
    expect(leaves.map((e) => e.properties.url)).toEqual(views.map((e) => e.properties.url));
    for (const leave of leaves) expect(leave.properties.duration_ms).toEqual(expect.any(Number));
    expect(new Set(events.map((e) => e.context.sessionId)).size).toBe(1);
    expect(views.map((e) => e.context.session!.pages)).toEqual([1, 2, 3, 4, 5]);
    expect(await duplicateRows(site)).toBe(0);
    await ctx.close();
  });

  it('reports scroll depth milestones once each and the deepest scroll on leaving', async () => {
    site.page('/long', site.html('<div style="height:6000px;background:linear-gradient(#fff,#ccc)">long read</div>'));
    const ctx = await site.newContext({ viewport: { width: 1000, height: 600 } });
    const page = await ctx.newPage();
    await page.goto(`${site.url}/long`);
    await site.waitFor((ev) => named(ev, 'page').length === 1);
    for (let pass = 0; pass < 2; pass++) {
      await page.evaluate('scrollTo(0, 0)');
      for (let y = 0; y <= 6000; y += 700) {
        await page.evaluate(`scrollTo(0, ${y})`);
        await sleep(260);
      }
    }
    await page.goto(`${site.url}/elsewhere`);
    const events = await site.waitFor((ev) => named(ev, '$pageleave').length === 1);
    expect(named(events, '$scroll').map((e) => e.properties.depth)).toEqual([25, 50, 75, 100]);
    expect(named(events, '$pageleave')[0]!.properties.max_scroll).toBe(100);
    await ctx.close();
  });

  it('detects rage clicks and dead clicks, and not clicks that changed the page', async () => {
    site.page(
      '/clicks',
      site.html(`<div id="rage" style="width:300px;height:60px">Add to cart</div><p id="plain">Free shipping over 50</p>
        <button id="works" onclick="document.getElementById('out').textContent = 'added'">Works</button><p id="out"></p>
        <div data-overture-private><button id="secret">Order #A-99812</button></div>`),
    );
    const ctx = await site.newContext();
    const page = await ctx.newPage();
    // The page's timers run on a clock the test moves: the dead-click window passes without waiting for it.
    await page.clock.install();
    await page.goto(`${site.url}/clicks`);
    await site.waitFor((ev) => named(ev, 'page').length === 1);
    const box = (await page.locator('#rage').boundingBox())!;
    for (let i = 0; i < 4; i++) await page.mouse.click(box.x + 50 + i * 3, box.y + 20);
    await page.click('#plain');
    await page.clock.runFor(2900); // dead-click window is 2.5 s
    await page.click('#works');
    await page.click('#secret');
    await page.clock.runFor(2900);
    await page.evaluate('window.overture.flush()');

    const events = await site.waitFor((ev) => named(ev, '$click').length === 2 && named(ev, '$dead_click').length >= 2);
    const rage = named(events, '$rage_click');
    expect(rage).toHaveLength(1);
    expect(rage[0]!.properties).toMatchObject({ selector: '#rage', clicks: 3, text: 'Add to cart' });
    const dead = named(events, '$dead_click').map((e) => e.properties.selector);
    expect(dead).toContain('#plain');
    expect(dead).not.toContain('#works');
    const clicks = named(events, '$click');
    expect(clicks.map((e) => e.properties.selector)).toEqual(['#works', '#secret']);
    expect(clicks[0]!.properties.text).toBe('Works');
    expect(clicks[1]!.properties.text).toBeUndefined();
    expect(events.some((e) => e.raw.includes('A-99812'))).toBe(false);
    await ctx.close();
  });

  it('captures form interactions by field and fill state, never the values', async () => {
    site.page(
      '/signup',
      site.html(`<form id="signup" name="signup" onsubmit="event.preventDefault()">
          <input name="email" type="email"><input name="password" type="password">
          <select name="size"><option value="">-</option><option>M</option></select>
          <input name="coupon" data-overture-allow><button type="submit">Sign up</button></form>
        <form name="newsletter"><input name="nl_email"></form>`),
    );
    const ctx = await site.newContext();
    const page = await ctx.newPage();
    await page.goto(`${site.url}/signup`);
    await page.fill('[name=email]', 'secret.person@example.com');
    await page.fill('[name=password]', 'hunter2-secret');
    await page.selectOption('[name=size]', 'M');
    await page.fill('[name=coupon]', 'SPRING10');
    await page.click('button[type=submit]');
    await page.fill('[name=nl_email]', 'other.person@example.com');
    await page.goto(`${site.url}/elsewhere`);

    const events = await site.waitFor((ev) => named(ev, '$form_interaction').some((e) => e.properties.action === 'abandon'));
    const forms = named(events, '$form_interaction').map((e) => e.properties);
    expect(forms.filter((f) => f.form === 'signup').map((f) => `${f.action}:${f.field ?? ''}`)).toEqual([
      'focus:email',
      'change:email',
      'change:size', // selected without focusing it: still a touched field
      'focus:coupon',
      'change:coupon',
      'submit:',
    ]);
    expect(forms.find((f) => f.action === 'change' && f.field === 'email')).toMatchObject({ filled: true, field_type: 'email' });
    expect(forms.find((f) => f.action === 'change' && f.field === 'coupon')!.value).toBe('SPRING10');
    expect(forms.find((f) => f.action === 'submit')).toMatchObject({ fields: 3, filled: 4 });
    expect(forms.filter((f) => f.action === 'abandon')).toEqual([{ action: 'abandon', form: 'newsletter', fields: ['nl_email'], filled: 1 }]);
    for (const secret of ['secret.person', 'hunter2', 'other.person']) expect(events.some((e) => e.raw.includes(secret))).toBe(false);
    await ctx.close();
  });

  it('captures product availability, url and first image from JSON-LD and data- attributes', async () => {
    const boot = {
      '@context': 'https://schema.org',
      '@type': 'Product',
      sku: 'BOOT-1',
      name: 'Trail Boot',
      url: '/shop/trail-boot',
      image: ['img/boot-front.jpg', 'img/boot-side.jpg'],
      offers: [{ '@type': 'Offer', price: '89.90', priceCurrency: 'EUR', availability: 'https://schema.org/InStock' }, { '@type': 'Offer', price: '99', availability: 'https://schema.org/OutOfStock' }],
    };
    const jacket = {
      '@context': 'https://schema.org',
      '@graph': [{ '@type': 'Product', sku: 'JACKET-1', name: 'Rain Jacket', image: { '@type': 'ImageObject', url: 'https://cdn.example/jacket.jpg', width: 800 }, offers: { '@type': 'Offer', price: 120, availability: 'http://schema.org/PreOrder', url: 'https://shop.example/jacket' } }],
    };
    site.page(
      '/shop/*',
      site.html(
        `<div data-overture-product data-product-id="SOCK-1" data-product-name="Wool Sock" data-product-price="9.5" data-product-availability="https://schema.org/LimitedAvailability" data-product-url="/shop/wool-sock" data-product-image="/img/sock.png">Wool Sock</div>`,
        {},
        [boot, jacket].map((ld) => `<script type="application/ld+json">${JSON.stringify(ld)}</script>`).join(''),
      ),
    );
    const ctx = await site.newContext();
    const page = await ctx.newPage();
    await page.goto(`${site.url}/shop/trail-boot`);
    const events = await site.waitFor((ev) => named(ev, 'Product Viewed').length === 3);
    const viewed = Object.fromEntries(named(events, 'Product Viewed').map((e) => [e.properties.product_id, e.properties]));
    expect(viewed['BOOT-1']).toEqual({ product_id: 'BOOT-1', name: 'Trail Boot', price: 89.9, currency: 'EUR', availability: 'in_stock', url: `${site.url}/shop/trail-boot`, image: `${site.url}/shop/img/boot-front.jpg` });
    expect(viewed['JACKET-1']).toEqual({ product_id: 'JACKET-1', name: 'Rain Jacket', price: 120, availability: 'pre_order', url: 'https://shop.example/jacket', image: 'https://cdn.example/jacket.jpg' });
    expect(viewed['SOCK-1']).toEqual({ product_id: 'SOCK-1', name: 'Wool Sock', price: 9.5, availability: 'limited_availability', url: `${site.url}/shop/wool-sock`, image: `${site.url}/img/sock.png` });
    await ctx.close();
  });

  it('reads product views from JSON-LD, hover dwell on products, and enriches the context server side', async () => {
    const ld = { '@context': 'https://schema.org', '@graph': [{ '@type': 'Product', sku: 'SKU-1', name: 'Trail Boot', category: 'Shoes', offers: { '@type': 'Offer', price: '89.90', priceCurrency: 'EUR' } }] };
    site.page(
      '/product',
      site.html(
        '<h1>Trail Boot</h1><div data-product-id="SKU-2" data-product-name="Wool Sock" style="width:300px;height:120px">Wool Sock</div><p id="away" style="height:300px">…</p>',
        {},
        `<script type="application/ld+json">${JSON.stringify(ld)}</script>`,
      ),
    );
    const ctx = await site.newContext({ timezoneId: 'Europe/Paris', locale: 'fr-FR' });
    const page = await ctx.newPage();
    await page.clock.install();
    await page.goto(`${site.url}/product?utm_source=newsletter&utm_medium=email&utm_campaign=spring`);
    await page.hover('[data-product-id]');
    await page.clock.runFor(1300); // a dwell past the SDK's 1 s
    await page.hover('#away');
    await page.goto(`${site.url}/elsewhere`);

    const events = await site.waitFor((ev) => named(ev, '$pageleave').length === 1 && named(ev, 'Product Viewed').length > 0);
    const viewed = named(events, 'Product Viewed');
    expect(viewed).toHaveLength(1);
    expect(viewed[0]!.properties).toEqual({ product_id: 'SKU-1', name: 'Trail Boot', price: 89.9, currency: 'EUR', category: 'Shoes' });
    const hover = named(events, '$product_hover');
    expect(hover).toHaveLength(1);
    expect(hover[0]!.properties).toMatchObject({ product_id: 'SKU-2', name: 'Wool Sock' });
    expect(hover[0]!.properties.dwell_ms as number).toBeGreaterThanOrEqual(1000);

    const c = named(events, 'page')[0]!.context;
    expect(c).toMatchObject({
      library: { name: 'overture-sdk' },
      timezone: 'Europe/Paris',
      locale: 'fr-FR',
      campaign: { source: 'newsletter', medium: 'email', name: 'spring' },
      page: { path: '/product' },
      location: { country: 'FR' },
      device: { type: 'desktop' },
      browser: { name: expect.stringMatching(/Chrom/) },
      os: { name: 'Linux' },
      session: { count: 1, channel: 'email' },
    });
    expect(c.screen).toMatchObject({ width: expect.any(Number), height: expect.any(Number) });
    expect(events.every((e) => e.context.sessionId === c.sessionId)).toBe(true);
    // navigator.webdriver is set in automation: the server flags these events as bots.
    expect(events.every((e) => e.is_bot === 1)).toBe(true);
    await ctx.close();
  });
});

export { label };
