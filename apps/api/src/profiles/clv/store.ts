/** Fitting a workspace's customer-value models from its order events and storing them for the features SQL. */
import type { App } from '../../app-handle';
import { chTime } from '../../ingest/normalize';
import { profileEventsSql } from '../features-sql';
import { chToIso, insertRows, selectRows } from '../../stores/clickhouse/sql';
import { fitClvModel, type ClvModel, type CustomerSummary } from './fit';
import { customerSummariesSql } from './sql';

/** Customers fitted at most: a 10,000-customer sample pins the four parameters well (the simulation
 * test recovers them from 6,000), and each likelihood evaluation of the optimiser is linear in it. */
export const maxFittedCustomers = 10_000;

/** Per-customer summaries as of `asOfMs` (orders before it only), a deterministic sample of at most `limit`. */
export async function customerSummaries(app: App, workspaceId: string, asOfMs: number, limit = maxFittedCustomers): Promise<Array<CustomerSummary & { profileId: string }>> {
  const rows = await selectRows<{ pid: string; x: number; tx: number; T: number; mean_spend: number }>(
    app.clickhouse,
    customerSummariesSql((prewhere) => profileEventsSql(false, prewhere)),
    { ws: workspaceId, asOf: chTime(asOfMs), limit },
  );
  return rows.map((r) => ({ profileId: r.pid, x: Number(r.x), tx: Number(r.tx), T: Number(r.T), meanSpend: Number(r.mean_spend) }));
}

/** Fits and stores the workspace's models as of `asOfMs`; null (nothing stored) when too few customers. */
export async function fitWorkspaceClv(app: App, workspaceId: string, asOfMs: number, computedAtMs = Date.now()): Promise<ClvModel | null> {
  const model = fitClvModel(await customerSummaries(app, workspaceId, asOfMs));
  if (!model) return null;
  const { bgnbd, gammaGamma } = model;
  await insertRows(app.clickhouse, 'clv_models', [
    {
      workspace_id: workspaceId, computed_at: chTime(computedAtMs), as_of: chTime(asOfMs), customers: model.customers,
      repeat_customers: model.repeatCustomers, r: bgnbd.r, alpha: bgnbd.alpha, a: bgnbd.a, b: bgnbd.b, p: gammaGamma.p, q: gammaGamma.q,
      gamma: gammaGamma.gamma, horizon_months: model.horizonMonths, annual_discount: model.annualDiscount,
    },
  ]);
  return model;
}

export interface StoredClvModel extends ClvModel {
  asOf: string | null;
  computedAt: string | null;
}

/** The workspace's newest fitted model, for display. */
export async function storedClvModel(app: App, workspaceId: string): Promise<StoredClvModel | null> {
  const [row] = await selectRows<Record<string, string | number>>(
    app.clickhouse,
    `SELECT * FROM clv_models WHERE workspace_id = {ws:String} ORDER BY computed_at DESC LIMIT 1`,
    { ws: workspaceId },
  );
  if (!row) return null;
  const n = (k: string) => Number(row[k]);
  return {
    bgnbd: { r: n('r'), alpha: n('alpha'), a: n('a'), b: n('b') },
    gammaGamma: { p: n('p'), q: n('q'), gamma: n('gamma') },
    customers: n('customers'),
    repeatCustomers: n('repeat_customers'),
    horizonMonths: n('horizon_months'),
    annualDiscount: n('annual_discount'),
    asOf: chToIso(String(row.as_of)),
    computedAt: chToIso(String(row.computed_at)),
  };
}
