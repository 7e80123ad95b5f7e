import type { App } from '../app-handle';
import { identitiesOf } from './identity';
import { selectRows } from '../stores/clickhouse/sql';

/** How a person is shown in lists: their name and email when known, and the user id their site gave them. */
export interface ProfileLabel {
  name: string;
  email: string;
  userId: string;
}

const nameKeys = ['name', 'first_name', 'last_name', 'firstName', 'lastName', 'email'];

const text = (json: string | undefined): string => {
  if (json === undefined) return '';
  try {
    const v = JSON.parse(json) as unknown;
    return typeof v === 'string' || typeof v === 'number' ? String(v).trim().slice(0, 120) : '';
  } catch {
    return '';
  }
};

/** Labels of many profiles in two look-ups (traits, then identities): for member lists, cells and timelines. */
export async function profileLabels(app: App, workspaceId: string, profileIds: string[]): Promise<Map<string, ProfileLabel>> {
  const ids = [...new Set(profileIds)];
  const labels = new Map<string, ProfileLabel>(ids.map((id) => [id, { name: '', email: '', userId: '' }]));
  if (ids.length === 0) return labels;
  const traits = await selectRows<{ profile_id: string; key: string; value: string }>(
    app.clickhouse,
    `SELECT profile_id, key, argMax(value, updated_at) AS value FROM profile_traits
     WHERE workspace_id = {ws:String} AND profile_id IN {pids:Array(String)} AND key IN {keys:Array(String)}
     GROUP BY profile_id, key`,
    { ws: workspaceId, pids: ids, keys: nameKeys },
  );
  const byProfile = new Map<string, Map<string, string>>();
  for (const t of traits) {
    const m = byProfile.get(t.profile_id) ?? new Map<string, string>();
    m.set(t.key, text(t.value));
    byProfile.set(t.profile_id, m);
  }
  for (const [id, m] of byProfile) {
    const label = labels.get(id)!;
    const first = m.get('first_name') || m.get('firstName') || '';
    const last = m.get('last_name') || m.get('lastName') || '';
    label.name = m.get('name') || [first, last].filter(Boolean).join(' ');
    label.email = m.get('email') ?? '';
  }
  for (const i of await identitiesOf(app, workspaceId, ids)) {
    const label = labels.get(i.profile_id);
    if (label && i.kind === 'user' && !label.userId) label.userId = i.distinct_id;
  }
  return labels;
}
