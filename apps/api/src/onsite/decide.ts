import { randomBytes } from 'node:crypto';
import type { App } from '../app-handle';
import { signShows, type Show } from './tokens';
import { profileIdFor } from '../profiles';
import { readVisitor, type Identity } from './view';
import { anyUrlMatches } from './match';
import { activePlacements, type Placement } from './placements';
import { expireMessages } from './queue';
import type { OnsiteState, PendingMessage } from './state-view';
import { contextFor, renderPlacement } from './render';
import type { PlacementKind } from './tables';
import { renderRecommendationBlock } from './recommendation-block';
import { assignPlacementVariant, onsiteExperimentKey } from './variants';
import { logExposure } from './exposures';
import { settledBy } from './deadline';

export interface DecideRequest {
  workspaceId: string;
  anonymousId?: string | undefined;
  userId?: string | undefined;
  url: URL;
  /** The product of the page, for recommendation blocks that start from one (bought together, similar). */
  productId?: string | undefined;
  now?: Date;
  /** Milliseconds to wait for the visitor's profile facts (default: the configured DECIDE_BUDGET_MS). */
  budgetMs?: number;
}

export interface Triggers {
  scrollPercent?: number;
  delaySeconds?: number;
  exitIntent?: boolean;
}

/** One thing for the SDK to show: an overlay, an inline slot's content or a CTA swap. */
export interface Decision {
  /** Placement id, or the queued journey message's id. */
  id: string;
  kind: PlacementKind;
  /** Sanitised HTML (overlays and inline slots). */
  html?: string;
  /** Slot name (inline) or CSS selector (cta). */
  target?: string;
  /** CTA swap: new text (set as textContent) and link. */
  text?: string;
  href?: string;
  /** Show when any of these fires; none = at once. */
  triggers: Triggers;
  /** Signed claims the SDK hands back with impression, click and dismiss. */
  token: string;
}

export interface DecideResult {
  profileId: string;
  placements: Decision[];
  /**
   * The visitor's facts (who they are, their segments and traits, their queued messages and
   * impressions) did not arrive from the view (Redis) within the budget: only placements that need
   * none of them were considered.
   */
  partial?: boolean;
}

const overlayKinds = new Set<PlacementKind>(['top_bar', 'modal', 'slide_in']);

/** Placement shows carry `os_` ids (each its own impression), journey messages their `msg_` id. */
export const isPlacementShow = (messageId: string) => messageId.startsWith('os_');

function triggersOf(p: Placement): Triggers {
  const t: Triggers = {};
  if (p.rules.scrollPercent) t.scrollPercent = p.rules.scrollPercent;
  if (p.rules.delaySeconds) t.delaySeconds = p.rules.delaySeconds;
  if (p.rules.exitIntent) t.exitIntent = true;
  return t;
}

/** Placements the profile dismissed less than `dismissDays` ago. */
function dismissed(state: OnsiteState, placements: Placement[], now: number): Set<string> {
  const out = new Set<string>();
  for (const p of placements) {
    const at = state.dismissals.get(p.id);
    if (at !== undefined && p.rules.dismissDays > 0 && now - at < p.rules.dismissDays * 86_400_000) out.add(p.id);
  }
  return out;
}

/** Placements whose frequency cap the profile has reached. */
function cappedOut(state: OnsiteState, capped: Placement[], now: number): Set<string> {
  const out = new Set<string>();
  for (const p of capped) {
    const since = now - p.rules.frequency!.days * 86_400_000;
    let n = 0;
    for (const i of state.impressions) if (i.placementId === p.id && i.at > since) n++;
    if (n >= p.rules.frequency!.max) out.add(p.id);
  }
  return out;
}

// Ids of placement shows: unique per process start and counter, cheaper than random bytes per show.
const showPrefix = `os_${randomBytes(6).toString('hex')}`;
let showCounter = 0;

/**
 * What to show one visitor on one page now. Server-side: page, segment and frequency rules, queued
 * journey messages first (they are personal), then placements by priority; one overlay per kind
 * (top bar, modal, slide-in), one placement per inline slot and per CTA selector. The client-side
 * triggers travel with each decision.
 */
export async function decide(app: App, req: DecideRequest): Promise<DecideResult> {
  const now = req.now ?? new Date();
  // Page speed first: one deadline for the visitor's facts. They come from decide's view in Redis
  // (facts-index.ts, state-view.ts), kept up to date by the writers, never from the analytical store.
  const deadline = performance.now() + (req.budgetMs ?? app.config.decideBudgetMs);
  const placements = (await activePlacements(app, req.workspaceId)).filter((p) => anyUrlMatches(p.rules.urls, req.url));
  const longestCapDays = Math.max(0, ...placements.map((p) => p.rules.frequency?.days ?? 0));
  // Redis unreachable: answered as if late, with what needs nothing about the visitor.
  const lookup = readVisitor(app, req.workspaceId, req, now.getTime() - longestCapDays * 86_400_000).catch((err: unknown) => {
    app.log.debug('decide view not read', { error: (err as Error).message });
    return undefined;
  });
  const found = await settledBy(lookup, deadline);
  const partial = !found;
  const state = found?.state;
  const identity: Identity = found?.identity ?? { profileId: profileIdFor(req.workspaceId, (req.userId ?? req.anonymousId)!), known: false, segments: new Set(), traits: {} };
  // A partial answer (Redis late) leaves out what depends on the visitor: segments, caps, and
  // placements running an experiment (their variant hangs on the profile id). The visitor is taken
  // to have dismissed nothing, so that a slow store never blanks every page.
  const withoutHistory = (p: Placement) => !p.rules.frequency && !(p.variants.length > 1 && p.variantWinner === null);
  const onPage = placements.filter((p) => (partial ? p.rules.segments.length === 0 && withoutHistory(p) : p.rules.segments.length === 0 || p.rules.segments.some((s) => identity.segments.has(s))));
  const nowMs = now.getTime();
  const queued = state ? state.queued.filter((m) => m.expiresAt > nowMs) : [];
  const expired = state ? state.queued.filter((m) => m.expiresAt <= nowMs).map((m) => m.messageId) : [];
  if (expired.length) void expireMessages(app, req.workspaceId, identity.profileId, expired, now).catch((err: unknown) => app.log.warn('onsite expiry not recorded', { error: (err as Error).message }));
  const capped = state ? cappedOut(state, onPage.filter((p) => p.rules.frequency), nowMs) : new Set<string>();
  if (state) for (const id of dismissed(state, onPage, nowMs)) capped.add(id);

  const taken = new Set<string>();
  const slotOf = (kind: PlacementKind, target: string) => (overlayKinds.has(kind) ? kind : `${kind}:${target}`);
  const messages: PendingMessage[] = [];
  for (const m of queued) {
    const slot = slotOf(m.kind, '');
    if (taken.has(slot)) continue;
    taken.add(slot);
    messages.push(m);
  }
  const chosen: Array<{ p: Placement; variant?: string }> = [];
  for (const base of onPage) {
    if (capped.has(base.id)) continue;
    const assigned = assignPlacementVariant(base, identity.profileId);
    const v = assigned?.variant;
    const p: Placement = v ? { ...base, kind: v.layout ?? base.kind, content: v.content || base.content, href: v.href || base.href } : base;
    const slot = slotOf(p.kind, p.target);
    if (taken.has(slot)) continue;
    // Exposed where the placement would have shown: a control's visitors too, who see nothing (and
    // leave the slot to others, as if the placement did not exist).
    if (assigned?.exposed) logExposure(app, { workspaceId: req.workspaceId, key: onsiteExperimentKey(base.id), variant: v!.name, profileId: identity.profileId, userId: req.userId, anonymousId: req.anonymousId, placementId: base.id, url: req.url.href, at: nowMs });
    if (v?.control) continue;
    taken.add(slot);
    chosen.push(v ? { p, variant: v.name } : { p });
  }

  const shows: Show[] = [];
  const out: Decision[] = messages.map((m) => {
    shows.push({ m: m.messageId, t: m.templateId, ...(m.journeyId ? { j: m.journeyId } : {}), ...(m.nodeId ? { n: m.nodeId } : {}), ...(m.variant ? { v: m.variant } : {}) });
    return { id: m.messageId, kind: m.kind, html: m.html, triggers: {}, token: '' };
  });
  if (chosen.length > 0) {
    const sources = chosen.flatMap(({ p }) => (p.recommendations ? [] : [p.content, p.href]));
    const context = await contextFor(app, req.workspaceId, sources, { profileId: identity.profileId, traits: identity.traits, segments: [...identity.segments], url: req.url });
    for (const { p, variant } of chosen) {
      let rendered;
      if (p.recommendations) {
        const block = renderRecommendationBlock(app, req.workspaceId, p.recommendations, p.id, identity.profileId, req.productId);
        if (!block) continue;
        rendered = { html: block.html, ...(p.kind === 'inline' ? { target: p.target } : {}) };
      } else rendered = await renderPlacement(variant === undefined ? p : { ...p, id: `${p.id}\u0000${variant}` }, identity.profileId, req.url, context);
      shows.push({ m: `${showPrefix}${(showCounter++).toString(36)}`, t: p.id, ...(variant === undefined ? {} : { v: variant }) });
      out.push({ id: p.id, kind: p.kind, triggers: triggersOf(p), token: '', ...rendered });
    }
  }
  signShows(app.config.secret, req.workspaceId, identity.profileId, shows).forEach((token, i) => (out[i]!.token = token));
  return { profileId: identity.profileId, placements: out, ...(partial ? { partial: true } : {}) };
}
