import type { App } from '../app-handle';
import { getProfile } from '../profiles';
import { checkPlacement, PlacementError } from './placements';
import { contextFor, renderHtml, renderText, safeHref } from './render';
import type { PlacementKind } from './tables';
import { newRecId, recommend } from '../recommendations';
import { blockHtml } from './recommendation-block';

export interface PlacementPreview {
  kind: PlacementKind;
  html: string;
  text: string | null;
  href: string | null;
  target: string;
}

/** A draft placement rendered (and sanitised) exactly as decide would for one profile on one page. */
export async function previewPlacement(app: App, workspaceId: string, draft: unknown, options: { profileId?: string | undefined; url?: string | undefined } = {}): Promise<PlacementPreview> {
  const p = await checkPlacement(app, workspaceId, draft);
  let profile: { id: string; traits: Record<string, unknown>; segments: string[] } = { id: 'preview', traits: {}, segments: [] };
  if (options.profileId) {
    const found = await getProfile(app, workspaceId, options.profileId);
    if (!found) throw new PlacementError('profileId', `no profile ${options.profileId} in this workspace`);
    profile = { id: found.id, traits: found.traits, segments: found.segments.map((s) => s.id) };
  }
  let url: URL;
  try {
    url = new URL(options.url ?? 'https://example.com/');
  } catch {
    throw new PlacementError('url', 'must be an absolute URL');
  }
  if (p.recommendations) {
    // The preview may wait for the model (decide never does): it shows what the person would get.
    const recs = await recommend(app, workspaceId, { strategy: p.recommendations.strategy, profileId: options.profileId ? profile.id : null, limit: p.recommendations.limit });
    return { kind: p.kind, html: recs.items.length ? blockHtml(p.recommendations, recs.items, newRecId(p.recommendations.strategy)) : '', text: null, href: null, target: p.target };
  }
  const context = await contextFor(app, workspaceId, [p.content, p.href], { profileId: profile.id, traits: profile.traits, segments: profile.segments, url });
  if (p.kind === 'cta') {
    const href = p.href ? safeHref(await renderText(p.href, context)) : '';
    return { kind: p.kind, html: '', text: p.content.trim() ? await renderText(p.content, context) : null, href: href || null, target: p.target };
  }
  return { kind: p.kind, html: await renderHtml(p.content, context), text: null, href: null, target: p.target };
}
