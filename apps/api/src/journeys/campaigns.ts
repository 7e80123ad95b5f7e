import type { Kysely } from 'kysely';
import type { Database } from '../stores/postgres';
import { createJourney, publishJourney } from './journeys';
import { journeyOverview } from './overview';

/**
 * A one-off campaign is a published journey with a broadcast trigger and one message step: the
 * scheduler fires it once at its time, and the journey engine sends, honouring consent, caps,
 * quiet hours and (optionally) each person's best hour.
 */
export interface CampaignInput {
  name: string;
  segmentId: string;
  channel: 'email' | 'web_push' | 'onsite' | 'best';
  template: string;
  /** When to send; null: now. */
  at: Date | null;
  /** Send each person at their usual hour within the next 24 hours instead of all at once. */
  bestTime: boolean;
}

export interface Campaign {
  id: string;
  name: string;
  status: string;
  at: string;
  segmentId: string;
  channel: string;
  template: string;
  bestTime: boolean;
  entered: number;
  conversions: number;
  revenue: number;
}

export async function createCampaign(db: Kysely<Database>, workspaceId: string, input: CampaignInput, now = new Date()): Promise<{ id: string; at: string }> {
  const at = (input.at ?? now).toISOString();
  const draft = {
    trigger: { type: 'broadcast', segmentId: input.segmentId, at },
    start: 'message_1',
    nodes: [
      {
        id: 'message_1',
        type: 'message',
        channel: input.channel,
        template: input.template,
        fallback: false,
        sendAt: input.bestTime ? { mode: 'best_time', withinHours: 24 } : { mode: 'now' },
        next: null,
      },
    ],
  };
  const journey = await createJourney(db, workspaceId, input.name, draft);
  await publishJourney(db, workspaceId, journey.id);
  return { id: journey.id, at };
}

type Step = { channel?: string; template?: string; sendAt?: { mode?: string } };

/** The workspace's broadcasts (campaigns and broadcast journeys), soonest last-sent first. */
export async function listCampaigns(db: Kysely<Database>, workspaceId: string): Promise<Campaign[]> {
  const journeys = await journeyOverview(db, workspaceId);
  const broadcasts = journeys.filter((j) => j.trigger?.type === 'broadcast');
  if (!broadcasts.length) return [];
  const defs = await db.selectFrom('journeys').select(['id', 'draft']).where('id', 'in', broadcasts.map((j) => j.id)).execute();
  const firstStep = new Map(defs.map((d) => [d.id, ((d.draft as { nodes?: Step[] } | null)?.nodes ?? [])[0] ?? {}]));
  return broadcasts
    .map((j) => {
      const step = firstStep.get(j.id) ?? {};
      return {
        id: j.id,
        name: j.name,
        status: j.status,
        at: String(j.trigger!.at ?? ''),
        segmentId: String(j.trigger!.segmentId ?? ''),
        channel: step.channel ?? '',
        template: step.template ?? '',
        bestTime: step.sendAt?.mode === 'best_time',
        entered: j.entered,
        conversions: j.conversions,
        revenue: j.revenue,
      };
    })
    .sort((a, b) => b.at.localeCompare(a.at));
}
