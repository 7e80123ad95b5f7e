import sanitizeHtml from 'sanitize-html';
import type { App } from '../app-handle';
import { recipientFromView, templateContext } from '../templates';
import { renderLiquid } from '../templates/render';

/**
 * Onsite content runs on the customer's site, so whatever a template (or a trait value inside it)
 * holds is reduced to inert markup before it leaves the server: sanitize-html (htmlparser2, an
 * allow-list of tags and attributes, URL schemes checked per attribute) rather than regexes, which
 * miss parser quirks. DOMPurify is the other well-kept choice but needs a DOM (jsdom) on the server.
 * No <script>/<style>/<iframe>/forms, no event handler attributes, only http(s)/mailto/tel links.
 * Inline `style` attributes stay: the content renders in a shadow root, so they cannot leak out.
 */
const options: sanitizeHtml.IOptions = {
  allowedTags: [
    ...['p', 'div', 'span', 'br', 'hr', 'strong', 'b', 'em', 'i', 'u', 's', 'small', 'sup', 'sub', 'mark', 'code', 'blockquote'],
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'a', 'img', 'picture', 'source', 'figure', 'figcaption', 'button'],
    ...['table', 'thead', 'tbody', 'tr', 'th', 'td', 'section', 'header', 'footer'],
  ],
  allowedAttributes: {
    '*': ['id', 'class', 'style', 'title', 'role', 'aria-*', 'data-overture-*', 'dir', 'lang'],
    a: ['href', 'target', 'rel'],
    img: ['src', 'srcset', 'alt', 'width', 'height', 'loading'],
    source: ['srcset', 'media', 'type'],
    button: ['type'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['http', 'https'], source: ['http', 'https'] },
  allowProtocolRelative: true,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: attribs.target === '_blank' ? { ...attribs, rel: 'noopener noreferrer' } : attribs }),
  },
};

export function sanitize(html: string): string {
  return sanitizeHtml(html, options);
}

/** A URL for an attribute we set ourselves (CTA swaps): http(s) or a path, else nothing. */
export function safeHref(href: string): string {
  const h = href.trim();
  if (h.startsWith('/') && !h.startsWith('//')) return h;
  try {
    const u = new URL(h);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : '';
  } catch {
    return '';
  }
}

const hasLiquid = (s: string) => s.includes('{{') || s.includes('{%');
/** Whether a template reads the profile (then its traits are loaded) or the recommendation list. */
export const readsProfile = (s: string) => hasLiquid(s) && /\b(profile|traits)\b/.test(s);
const readsRecommendations = (s: string) => hasLiquid(s) && /\brecommendations\b/.test(s);

export interface RenderInput {
  profileId: string;
  traits: Record<string, unknown>;
  segments: string[];
  url: URL;
}

export async function contextFor(app: App, workspaceId: string, sources: string[], input: RenderInput): Promise<Record<string, unknown>> {
  const page = { url: input.url.href, path: input.url.pathname, host: input.url.host };
  const ctx: Record<string, unknown> = { profile: { id: input.profileId, traits: input.traits, segments: input.segments }, traits: input.traits, page };
  if (sources.some(readsRecommendations)) {
    const full = await templateContext(app, workspaceId, recipientFromView({ id: input.profileId, traits: input.traits, segments: input.segments }));
    ctx.recommendations = full.recommendations;
  }
  return ctx;
}

const staticCache = new Map<string, string>();

/** Liquid (values HTML-escaped) then sanitised. Content without liquid is sanitised once per process. */
export async function renderHtml(source: string, context: object): Promise<string> {
  if (!hasLiquid(source)) {
    let out = staticCache.get(source);
    if (out === undefined) {
      out = sanitize(source);
      if (staticCache.size > 2_000) staticCache.clear();
      staticCache.set(source, out);
    }
    return out;
  }
  return sanitize(await renderLiquid('body', source, context, true));
}

/** Plain text (CTA labels): the SDK sets it as textContent, so markup in it stays text. */
export async function renderText(source: string, context: object): Promise<string> {
  const text = hasLiquid(source) ? await renderLiquid('body', source, context, false) : source;
  return text.trim().slice(0, 500);
}

export interface RenderedPlacement {
  html?: string;
  target?: string;
  text?: string;
  href?: string;
}

/**
 * A placement as one profile on one page sees it. Rendering (liquid + sanitising) was a visible
 * share of decide's CPU, so results are kept for `renderTtlMs`, keyed by what the template reads:
 * the profile only if it reads the profile, the page only if it reads the page.
 */
const renderTtlMs = 15_000;
const rendered = new Map<string, { at: number; value: RenderedPlacement }>();

export async function renderPlacement(
  p: { id: string; updatedAt: string; kind: string; content: string; target: string; href: string },
  profileId: string,
  url: URL,
  context: object,
): Promise<RenderedPlacement> {
  const sources = p.content + p.href;
  const key = `${p.id}\u0000${p.updatedAt}\u0000${readsProfile(sources) || readsRecommendations(sources) ? profileId : ''}\u0000${hasLiquid(sources) && /\bpage\b/.test(sources) ? url.href : ''}`;
  const hit = rendered.get(key);
  const now = Date.now();
  if (hit && now - hit.at < renderTtlMs) return hit.value;
  const value: RenderedPlacement = {};
  if (p.kind === 'cta') {
    value.target = p.target;
    if (p.content.trim()) value.text = await renderText(p.content, context);
    if (p.href) {
      const href = safeHref(await renderText(p.href, context));
      if (href) value.href = href;
    }
  } else {
    value.html = await renderHtml(p.content, context);
    if (p.kind === 'inline') value.target = p.target;
  }
  if (rendered.size >= 50_000) rendered.clear();
  rendered.set(key, { at: now, value });
  return value;
}
