import type { App } from '../app-handle';
import { eventActivity } from '../events/queries';
import { identifiedProfiles } from '../profiles';
import { conversionTotals, messagesByChannel } from '../journeys';
import { storedAsOf } from '../workspaces';

const day = 86_400_000;

export interface PeriodFigures {
  from: string;
  to: string;
  events: number;
  senders: number;
  identified: number;
}

export interface MarketingFigures {
  from: string;
  to: string;
  messages: Array<{ channel: string; sent: number; clicked: number }>;
  conversions: number;
  revenue: number;
}

export interface WorkspaceOverview {
  days: number;
  /** The instant the workspace's data is seen as of (historical imports), null when that is now. */
  asOf: string | null;
  totalIdentified: number;
  /** What the site's visitors did: the period ends at the data's as-of instant. */
  activity: { current: PeriodFigures; previous: PeriodFigures };
  /** What the program did and earned: always up to now, since messages go out now whatever the data's age. */
  marketing: { current: MarketingFigures; previous: MarketingFigures };
}

async function activityIn(app: App, workspaceId: string, from: Date, to: Date) {
  const [events, people] = await Promise.all([eventActivity(app.clickhouse, workspaceId, from, to), identifiedProfiles(app, workspaceId, from, to)]);
  return { figures: { from: from.toISOString(), to: to.toISOString(), ...events, identified: people.identified }, totalIdentified: people.totalIdentified };
}

async function marketingIn(app: App, workspaceId: string, from: Date, to: Date): Promise<MarketingFigures> {
  const [messages, conversions] = await Promise.all([messagesByChannel(app, workspaceId, from, to), conversionTotals(app.clickhouse, workspaceId, from, to)]);
  return { from: from.toISOString(), to: to.toISOString(), messages, ...conversions };
}

/** The headline numbers of the last `days` days beside those of the `days` before, for the home page. */
export async function workspaceOverview(app: App, workspaceId: string, days: number, now = new Date()): Promise<WorkspaceOverview> {
  const asOf = await storedAsOf(app.postgres.db, workspaceId);
  const dataNow = asOf ?? now;
  const span = days * day;
  const back = (d: Date, n: number) => new Date(d.getTime() - n * span);
  const [current, previous, marketing, marketingBefore] = await Promise.all([
    activityIn(app, workspaceId, back(dataNow, 1), dataNow),
    activityIn(app, workspaceId, back(dataNow, 2), back(dataNow, 1)),
    marketingIn(app, workspaceId, back(now, 1), now),
    marketingIn(app, workspaceId, back(now, 2), back(now, 1)),
  ]);
  return {
    days,
    asOf: asOf?.toISOString() ?? null,
    totalIdentified: current.totalIdentified,
    activity: { current: current.figures, previous: previous.figures },
    marketing: { current: marketing, previous: marketingBefore },
  };
}
