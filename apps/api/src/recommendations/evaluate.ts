import type { App } from '../app-handle';
import { asOfFor } from '../workspaces';
import { buildModel, type BuildOptions } from './build';
import { chTime, selectRows } from '../stores/clickhouse/sql';
import { loadModel, type Model } from './model';
import { rankWithModel } from './recommend';
import type { Strategy } from './strategies';

export const evaluatedStrategies: Strategy[] = ['for_you', 'best_sellers', 'trending', 'buy_again', 'new_arrivals'];
const k = 10;

export interface Metric {
  /** People with at least one test item of this kind. */
  people: number;
  /** Share of them with at least one of their test items in the top 10. */
  hit_rate: number;
  /** Mean share of their test items found in the top 10. */
  recall: number;
}

export interface StrategyEvaluation {
  strategy: Strategy;
  all: Metric;
  /** Items the person had bought before the cut-off. `all` and `repeat` score each list with nothing left out. */
  repeat: Metric;
  /** Items new to the person, scored on the strategy's discovery list (what they bought left out). */
  new: Metric | null;
  /** hit_rate over best sellers' (all, new). */
  lift_all: number | null;
  lift_new: number | null;
}

export interface Evaluation {
  cutoff: string;
  test_until: string;
  k: number;
  /** People who bought after the cut-off and had behaviour before it (a model knows nothing of the others). */
  people: number;
  train_s: number;
  strategies: StrategyEvaluation[];
}

/** Each person's purchases in [from, until), by profile. */
export async function purchasesBetween(app: App, workspaceId: string, fromMs: number, untilMs: number): Promise<Map<string, Set<string>>> {
  const rows = await selectRows<{ profile_id: string; items: string[] }>(
    app.clickhouse,
    `SELECT i.profile_id AS profile_id, groupUniqArray(coalesce(nullIf(JSONExtractString(p, 'product_id'), ''), nullIf(JSONExtractString(p, 'sku'), ''), JSONExtractString(p, 'id'))) AS items
     FROM events AS e FINAL
     INNER JOIN (SELECT distinct_id, argMax(profile_id, version) AS profile_id FROM identities WHERE workspace_id = {ws:String} GROUP BY distinct_id) AS i ON i.distinct_id = e.distinct_id
     ARRAY JOIN JSONExtractArrayRaw(e.properties, 'products') AS p
     WHERE e.workspace_id = {ws:String} AND e.type = 'track' AND e.event = 'Order Completed' AND e.is_bot = 0
       AND e.timestamp >= {from:DateTime64(3)} AND e.timestamp < {until:DateTime64(3)}
     GROUP BY profile_id`,
    { ws: workspaceId, from: chTime(fromMs), until: chTime(untilMs) },
  );
  return new Map(rows.map((r) => [r.profile_id, new Set(r.items.filter(Boolean))]));
}

class Tally {
  people = 0;
  hits = 0;
  recall = 0;
  add(list: string[], wanted: Set<string>) {
    if (wanted.size === 0) return;
    let found = 0;
    for (const id of list) if (wanted.has(id)) found++;
    this.people++;
    if (found > 0) this.hits++;
    this.recall += found / wanted.size;
  }
  metric(): Metric {
    const r = (x: number) => Math.round(x * 1000) / 1000;
    return { people: this.people, hit_rate: this.people ? r(this.hits / this.people) : 0, recall: this.people ? r(this.recall / this.people) : 0 };
  }
}

/** Hit rate and recall at 10 of each strategy on a model and the purchases that followed its cut-off. */
export function scoreStrategies(model: Model, test: Map<string, Set<string>>, strategies = evaluatedStrategies): Array<Omit<StrategyEvaluation, 'lift_all' | 'lift_new'>> {
  return strategies.map((strategy) => {
    const all = new Tally();
    const repeat = new Tally();
    const fresh = new Tally();
    for (const [profileId, bought] of test) {
      const person = model.people.get(profileId);
      if (!person) continue;
      const before = new Set(person.items.filter((_, i) => person.purchases[i]! > 0));
      // All and repeat items: the list as it comes, nothing left out; new items: the discovery list.
      const list = rankWithModel(model, { strategy, profileId, limit: k, excludePurchased: false }).items.map((i) => i.product_id);
      all.add(list, bought);
      repeat.add(list, new Set([...bought].filter((id) => before.has(id))));
      if (strategy !== 'buy_again') {
        const discovery = rankWithModel(model, { strategy, profileId, limit: k, excludePurchased: true }).items.map((i) => i.product_id);
        fresh.add(discovery, new Set([...bought].filter((id) => !before.has(id))));
      }
    }
    return { strategy, all: all.metric(), repeat: repeat.metric(), new: strategy === 'buy_again' ? null : fresh.metric() };
  });
}

function withLifts(rows: Array<Omit<StrategyEvaluation, 'lift_all' | 'lift_new'>>): StrategyEvaluation[] {
  const base = rows.find((r) => r.strategy === 'best_sellers');
  const lift = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? Math.round((a / b) * 100) / 100 : null);
  return rows.map((r) => ({ ...r, lift_all: lift(r.all.hit_rate, base?.all.hit_rate), lift_new: lift(r.new?.hit_rate, base?.new?.hit_rate) }));
}

/**
 * Temporal split: a model trained on everything before the cut-off, tested on what each person
 * bought from the cut-off to the workspace's as-of (or now). The evaluation model is kept apart
 * from the live one.
 */
export async function evaluateRecommendations(app: App, workspaceId: string, cutoff: Date, options: Pick<BuildOptions, 'halfLifeDays'> = {}): Promise<Evaluation> {
  const untilMs = (await asOfFor(app.postgres.db, workspaceId)).getTime();
  if (cutoff.getTime() >= untilMs) throw new RangeError(`cutoff: must be before the end of the data (${new Date(untilMs).toISOString().slice(0, 10)})`);
  const built = await buildModel(app, workspaceId, { untilMs: cutoff.getTime(), kind: 'eval', ...options });
  const model = await loadModel(app, workspaceId, built.version, cutoff.getTime());
  const test = await purchasesBetween(app, workspaceId, cutoff.getTime(), untilMs);
  const people = [...test.keys()].filter((p) => model.people.has(p)).length;
  return {
    cutoff: cutoff.toISOString(),
    test_until: new Date(untilMs).toISOString(),
    k,
    people,
    train_s: Math.round(built.ms / 100) / 10,
    strategies: withLifts(scoreStrategies(model, test)),
  };
}
