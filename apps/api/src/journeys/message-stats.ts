import type { App } from '../app-handle';
import { listJourneys } from './journeys';
import { chTime, selectRows } from '../stores/clickhouse/sql';
import { listTemplates } from '../templates';
import { listPlacements } from '../onsite';

export interface MessageStats {
  id: string;
  name: string;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  bounced: number;
  unsubscribed: number;
  /** Onsite: shown, and closed by the visitor. */
  impressions: number;
  dismissed: number;
  /** Journey goals reached and attributed to these messages (journey view: to the journey), holdout excluded. */
  converted: number;
  /** Revenue of those conversions (the journey goal's revenue property). */
  revenue: number;
  /** Per template: the same counts split by experiment variant (template or onsite placement variants), when there are any. */
  variants: VariantStats[];
}

const countKeys = ['sent', 'delivered', 'opened', 'clicked', 'bounced', 'unsubscribed', 'impressions', 'dismissed'] as const;
export type VariantStats = { variant: string } & Record<(typeof countKeys)[number], number>;

// The grouping column comes from this fixed map, never from input; values are query parameters.
const groupColumn = { template: 'template_id', journey: 'journey_id' } as const;

/**
 * Outcomes per template or per journey since a date: distinct messages per kind from
 * `message_events` (deduplicated per message and kind), conversions from `journey_events`.
 */
export async function messageStats(app: App, workspaceId: string, by: keyof typeof groupColumn, since: Date): Promise<MessageStats[]> {
  const col = groupColumn[by];
  const params = { ws: workspaceId, since: chTime(since) };
  const counts = await selectRows<Record<string, string>>(
    app.clickhouse,
    `SELECT ${col} AS key, ${by === 'template' ? 'variant' : "''"} AS variant,
            uniqExactIf(message_id, kind = 'sent') AS sent, uniqExactIf(message_id, kind = 'delivered') AS delivered,
            uniqExactIf(message_id, kind = 'open') AS opened, uniqExactIf(message_id, kind = 'click') AS clicked,
            uniqExactIf(message_id, kind = 'bounce') AS bounced, uniqExactIf(message_id, kind = 'unsubscribe') AS unsubscribed,
            uniqExactIf(message_id, kind = 'impression') AS impressions, uniqExactIf(message_id, kind = 'dismiss') AS dismissed
     FROM message_events FINAL
     WHERE workspace_id = {ws:String} AND at >= {since:DateTime64(3)} AND ${col} != ''
     GROUP BY key, variant`,
    params,
  );
  const conversions = await selectRows<{ key: string; converted: string; revenue: number }>(
    app.clickhouse,
    by === 'journey'
      ? `SELECT journey_id AS key, count() AS converted, round(sum(revenue), 2) AS revenue FROM journey_events
         WHERE workspace_id = {ws:String} AND kind = 'converted' AND reason = 'journey' AND at >= {since:DateTime64(3)} GROUP BY key`
      : `SELECT m.template_id AS key, count() AS converted, round(sum(e.revenue), 2) AS revenue
         FROM journey_events AS e
         INNER JOIN (SELECT DISTINCT journey_id, node_id, template_id FROM message_events
                     WHERE workspace_id = {ws:String} AND template_id != '' AND node_id != '') AS m
           ON e.journey_id = m.journey_id AND e.node_id = m.node_id
         WHERE e.workspace_id = {ws:String} AND e.kind = 'converted' AND e.reason = 'journey' AND e.at >= {since:DateTime64(3)}
         GROUP BY key`,
    params,
  );
  const names = new Map(
    // Onsite placements stand where a template would: their shows carry the placement's id.
    by === 'template'
      ? [...(await listTemplates(app, workspaceId)).map((t) => [t.id, t.name] as const), ...(await listPlacements(app, workspaceId)).map((p) => [p.id, `${p.name} (onsite placement)`] as const)]
      : (await listJourneys(app.postgres.db, workspaceId)).map((j) => [j.id, j.name] as const),
  );
  const converted = new Map(conversions.map((c) => [c.key, Number(c.converted)]));
  const revenue = new Map(conversions.map((c) => [c.key, Number(c.revenue)]));
  const keys = new Set([...counts.map((c) => c.key!), ...converted.keys()]);
  // A message belongs to one variant, so a key's distinct counts are the sums of its variants'.
  const byKey = new Map<string, VariantStats[]>();
  for (const c of counts) {
    const list = byKey.get(c.key!) ?? [];
    list.push({ variant: c.variant ?? '', ...(Object.fromEntries(countKeys.map((k) => [k, Number(c[k] ?? 0)])) as Record<(typeof countKeys)[number], number>) });
    byKey.set(c.key!, list);
  }
  return [...keys]
    .map((key) => {
      const parts = byKey.get(key) ?? [];
      const n = (k: (typeof countKeys)[number]) => parts.reduce((s, p) => s + p[k], 0);
      const variants = parts.filter((p) => p.variant !== '').sort((a, b) => a.variant.localeCompare(b.variant));
      return { id: key, name: names.get(key) ?? `${key} (deleted)`, sent: n('sent'), delivered: n('delivered'), opened: n('opened'), clicked: n('clicked'), bounced: n('bounced'), unsubscribed: n('unsubscribed'), impressions: n('impressions'), dismissed: n('dismissed'), converted: converted.get(key) ?? 0, revenue: revenue.get(key) ?? 0, variants };
    })
    .sort((a, b) => b.sent - a.sent || a.name.localeCompare(b.name));
}

/** Messages sent per channel in [from, to) (onsite: placements shown), with how many were clicked. */
export async function messagesByChannel(app: App, workspaceId: string, from: Date, to: Date): Promise<Array<{ channel: string; sent: number; clicked: number }>> {
  const rows = await selectRows<{ channel: string; sent: string; clicked: string }>(
    app.clickhouse,
    `SELECT channel, uniqExactIf(message_id, kind IN ('sent', 'impression')) AS sent, uniqExactIf(message_id, kind = 'click') AS clicked
     FROM message_events FINAL
     WHERE workspace_id = {ws:String} AND at >= {from:DateTime64(3)} AND at < {to:DateTime64(3)} AND channel != ''
     GROUP BY channel ORDER BY sent DESC`,
    { ws: workspaceId, from: chTime(from), to: chTime(to) },
  );
  return rows.map((r) => ({ channel: r.channel, sent: Number(r.sent), clicked: Number(r.clicked) }));
}
