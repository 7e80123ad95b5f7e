import type { App } from '../app-handle';
import { profileLabels, type RfmSegment } from '../profiles';
import { chToIso, selectRows, type Params } from '../stores/clickhouse/sql';
import type { Condition } from './schema';

/** Who a list or an export is about: everyone, or those every given filter admits. */
export interface Audience {
  segmentId?: string | undefined;
  rfm?: { r: number; f: number } | undefined;
  /** A named RFM segment (Champions, At Risk...). */
  rfmSegment?: RfmSegment | undefined;
  /**
   * A subquery of `profile_id`s another domain owns (an experiment variant's people); its parameters
   * must not clash with `ws`, `segment`, `r`, `f`, `rfmSegment`, `after`, `limit`, `offset`.
   */
  profileIn?: { sql: string; params: Params } | undefined;
}

/** The segment definition that admits exactly the audience's list filters (not `profileIn`), or null for everyone. */
export function audienceCondition(audience: Audience): Condition | null {
  const parts: Condition[] = [];
  if (audience.segmentId !== undefined) parts.push({ type: 'segment', segmentId: audience.segmentId, member: true });
  if (audience.rfmSegment !== undefined) parts.push({ type: 'rfm_segment', segments: [audience.rfmSegment] });
  if (audience.rfm) {
    parts.push({ type: 'rfm_score', score: 'r', op: 'eq', value: audience.rfm.r }, { type: 'rfm_score', score: 'f', op: 'eq', value: audience.rfm.f });
  }
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0]! : { type: 'and', conditions: parts };
}

export const audienceSorts = ['last_seen', 'revenue', 'orders', 'rfm', 'first_seen'] as const;
export type AudienceSort = (typeof audienceSorts)[number];

/** Sort keys name fixed expressions: nothing from the request reaches the SQL text. */
const sortExpression: Record<AudienceSort, string> = {
  last_seen: 'last_seen',
  first_seen: 'first_seen',
  revenue: 'net_revenue',
  orders: 'orders',
  rfm: 'rfm_r * 100 + rfm_f * 10 + rfm_m',
};

export interface AudienceRow {
  id: string;
  name: string;
  email: string;
  userId: string;
  firstSeen: string | null;
  lastSeen: string | null;
  orders: number;
  revenue: number;
  rfm: string;
  rfmSegment: string;
  cltv: number;
}

interface FeatureRow {
  profile_id: string;
  email: string;
  first_seen: string;
  last_seen: string;
  orders: number;
  net_revenue: number;
  rfm_r: number;
  rfm_f: number;
  rfm_m: number;
  rfm_segment: string;
  cltv: number;
}

const columns = 'profile_id, email, first_seen, last_seen, orders, net_revenue, rfm_r, rfm_f, rfm_m, rfm_segment, cltv';

function audienceFilter(workspaceId: string, audience: Audience): { where: string; params: Params } {
  const where = ['workspace_id = {ws:String}'];
  const params: Params = { ws: workspaceId };
  if (audience.segmentId !== undefined) {
    where.push(`profile_id IN (SELECT profile_id FROM segment_members FINAL
      WHERE workspace_id = {ws:String} AND segment_id = {segment:String} AND is_member = 1)`);
    params.segment = audience.segmentId;
  }
  if (audience.rfm) {
    where.push('rfm_r = {r:UInt8} AND rfm_f = {f:UInt8}');
    Object.assign(params, audience.rfm);
  }
  if (audience.rfmSegment !== undefined) {
    where.push('rfm_segment = {rfmSegment:String}');
    params.rfmSegment = audience.rfmSegment;
  }
  if (audience.profileIn) {
    where.push(`profile_id IN (${audience.profileIn.sql})`);
    Object.assign(params, audience.profileIn.params);
  }
  return { where: where.join(' AND '), params };
}

async function withLabels(app: App, workspaceId: string, rows: FeatureRow[]): Promise<AudienceRow[]> {
  const labels = await profileLabels(app, workspaceId, rows.map((r) => r.profile_id));
  return rows.map((r) => {
    const label = labels.get(r.profile_id)!;
    const scored = Number(r.rfm_r) > 0;
    return {
      id: r.profile_id,
      name: label.name,
      email: r.email || label.email,
      userId: label.userId,
      firstSeen: chToIso(r.first_seen),
      lastSeen: chToIso(r.last_seen),
      orders: Number(r.orders),
      revenue: Number(r.net_revenue),
      rfm: scored ? `${r.rfm_r}${r.rfm_f}${r.rfm_m}` : '',
      rfmSegment: r.rfm_segment,
      cltv: Number(r.cltv),
    };
  });
}

/** One page of an audience, sorted, with the audience's size. */
export async function listAudience(
  app: App,
  workspaceId: string,
  audience: Audience,
  page: { sort: AudienceSort; descending: boolean; limit: number; offset: number },
): Promise<{ total: number; rows: AudienceRow[] }> {
  const { where, params } = audienceFilter(workspaceId, audience);
  const direction = page.descending ? 'DESC' : 'ASC';
  const [rows, counts] = await Promise.all([
    selectRows<FeatureRow>(
      app.clickhouse,
      `SELECT ${columns} FROM profile_features FINAL WHERE ${where}
       ORDER BY ${sortExpression[page.sort]} ${direction}, profile_id LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
      { ...params, limit: page.limit, offset: page.offset },
    ),
    selectRows<{ n: string }>(app.clickhouse, `SELECT count() AS n FROM profile_features FINAL WHERE ${where}`, params),
  ]);
  return { total: Number(counts[0]?.n ?? 0), rows: await withLabels(app, workspaceId, rows) };
}

/**
 * Every member of an audience, a page at a time in profile id order (keyset, not offset), so an export of
 * a million people holds one page in memory and never rescans what it has already sent.
 */
export async function* audiencePages(app: App, workspaceId: string, audience: Audience, pageSize = 5000): AsyncGenerator<AudienceRow[]> {
  const { where, params } = audienceFilter(workspaceId, audience);
  let after = '';
  for (;;) {
    const rows = await selectRows<FeatureRow>(
      app.clickhouse,
      `SELECT ${columns} FROM profile_features FINAL WHERE ${where} AND profile_id > {after:String}
       ORDER BY profile_id LIMIT {limit:UInt32}`,
      { ...params, after, limit: pageSize },
    );
    if (rows.length === 0) return;
    yield await withLabels(app, workspaceId, rows);
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.profile_id;
  }
}
