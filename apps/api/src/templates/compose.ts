import type { App } from '../app-handle';
import { getProfile } from '../profiles';
import { eventProductIds, templateRecommendations, type MessageSource } from './recommendations';
import { renderEmailHtml, renderLiquid } from './render';
import { openPixelUrl, rewriteLinks, unsubscribeUrl, type LinkContext } from './links';
import { plainText } from './plain-text';
import { actionLinks } from './action-links';
import type { Template } from './store';

export interface TriggerEventInput {
  name: string;
  properties?: Record<string, unknown>;
}

export interface RecipientProfile {
  id: string;
  email: string | null;
  timezone: string | null;
  traits: Record<string, unknown>;
  features: Record<string, unknown> | null;
  segments: string[];
}

export async function loadRecipient(app: App, workspaceId: string, profileId: string): Promise<RecipientProfile | null> {
  const p = await getProfile(app, workspaceId, profileId);
  if (!p) return null;
  return { id: p.id, email: p.email, timezone: p.timezone, traits: p.traits, features: p.features, segments: p.segments.map((s) => s.name) };
}

/** A recipient from a profile view the caller already holds (the journey engine passes one with every message). */
export function recipientFromView(view: { id: string; traits: Record<string, unknown>; features?: Record<string, unknown> | null; segments?: string[]; timezone?: string | null }): RecipientProfile {
  const email = view.traits.email;
  return {
    id: view.id,
    email: typeof email === 'string' && email.includes('@') ? email : null,
    timezone: view.timezone ?? (typeof view.traits.timezone === 'string' ? view.traits.timezone : null),
    traits: view.traits,
    features: view.features ?? null,
    segments: view.segments ?? [],
  };
}

/** What a template sees: `profile` (with `traits` and `features`), `event`, `recommendations` (personal, see recommendations.ts). */
export async function templateContext(app: App, workspaceId: string, profile: RecipientProfile, event?: TriggerEventInput, source?: MessageSource): Promise<Record<string, unknown>> {
  return {
    profile: { ...profile, traits: profile.traits, features: profile.features ?? {} },
    traits: profile.traits,
    features: profile.features ?? {},
    event: event ? { name: event.name, properties: event.properties ?? {} } : null,
    recommendations: await templateRecommendations(app, workspaceId, profile.id, eventProductIds(event?.properties), source),
  };
}

/** Whether a template body reads the `recommendations` list itself (not only `recommendations.<strategy>`). */
export const readsRecommendationList = (body: string) => /\brecommendations\b(?!\s*\.\s*\w)/.test(body);

export interface RenderedEmail {
  subject: string;
  html: string;
  /** The text/plain alternative, from the HTML. */
  text: string;
  /** Present when tracking is on (real sends, test sends); absent in a plain preview. */
  unsubscribeUrl: string | null;
}

/** Subject, HTML and its plain-text part of an email; with `links`, every link is tracked and an open pixel is appended. */
export async function composeEmail(template: Pick<Template, 'subject' | 'body'>, context: Record<string, unknown>, links: LinkContext | null): Promise<RenderedEmail> {
  const unsubscribe = links ? unsubscribeUrl(links) : null;
  // `actions.reship`, `actions.refund`...: signed one-click links (templates/action-links.ts), signed
  // only when the template reads them (most do not, and each costs an HMAC per send).
  let actions: Record<string, string> | undefined;
  const ctx = {
    ...context,
    unsubscribe_url: unsubscribe ?? '#unsubscribe',
    get actions() {
      return (actions ??= actionLinks(links, context));
    },
  };
  const subject = (await renderLiquid('subject', template.subject, ctx)).replace(/\s+/g, ' ').trim();
  let html = await renderEmailHtml(template.body, ctx);
  if (links) {
    html = rewriteLinks(html, links);
    const pixel = `<img src="${openPixelUrl(links)}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px" />`;
    html = html.includes('</body>') ? html.replace('</body>', `${pixel}</body>`) : html + pixel;
  }
  return { subject, html, text: plainText(html), unsubscribeUrl: unsubscribe };
}

export interface RenderedPush {
  title: string;
  body: string;
  url: string;
}

export async function composePush(template: Pick<Template, 'subject' | 'body' | 'url'>, context: Record<string, unknown>): Promise<RenderedPush> {
  return {
    title: (await renderLiquid('subject', template.subject, context)).trim(),
    body: (await renderLiquid('body', template.body, context)).trim(),
    url: (await renderLiquid('url', template.url, context)).trim(),
  };
}
