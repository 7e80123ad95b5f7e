import type { App } from '../app-handle';
import { chTime, selectRows } from '../stores/clickhouse/sql';

/** People who became known in [from, to) (a user id first linked to their profile then), and all known people. */
export async function identifiedProfiles(app: App, workspaceId: string, from: Date, to: Date): Promise<{ identified: number; totalIdentified: number }> {
  const [row] = await selectRows<{ identified: string; total: string }>(
    app.clickhouse,
    `SELECT uniqExactIf(profile_id, first_linked >= {from:DateTime64(3)} AND first_linked < {to:DateTime64(3)}) AS identified, uniqExact(profile_id) AS total
     FROM (SELECT profile_id, min(linked_at) AS first_linked FROM identities FINAL
           WHERE workspace_id = {ws:String} AND kind = 'user' GROUP BY profile_id)`,
    { ws: workspaceId, from: chTime(from), to: chTime(to) },
  );
  return { identified: Number(row?.identified ?? 0), totalIdentified: Number(row?.total ?? 0) };
}
