// pnpm bench:recs-tune --variants=file.json [--cutoff=2011-06-09] [--until=2011-09-09] — scores `for_you`
// variants on the VALIDATION split of the UCI Online Retail data (train before the cut-off, test on the
// purchases up to --until), all against the same best sellers, without rebuilding the model per variant:
// EASE is recomputed in process when a variant changes it. Choices are made here; `pnpm bench:recs`
// reports the chosen one on the test split.
// The variants file: [{ "name": "...", "ease": { "items": 1500, "lambda": 400 }, "personal": { ... }, "buyAgainBlend": 3, "all": true }]
// (`all` also scores the all-items list, which doubles the variant's cost). With --watch, it then scores
// <variants>.2.json, .3.json… as they appear, until <variants>.stop exists (one import for many rounds).
import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startTestServer } from '@overture/api/testing';
import { buildModel, buildTuning, easeNeighbours, indexPersonal, loadModel, loadRetailCsv, personalTuning, purchasesBetween, rankTuning, rankWithModel, recomputeWorkspace, scoreStrategies, type Model } from '@overture/api';
import { round } from './lib/stats';
import { repoRoot } from './lib/platform';

interface Variant {
  name: string;
  ease?: { items: number; lambda: number };
  personal?: Partial<typeof personalTuning>;
  buyAgainBlend?: number;
  all?: boolean;
}

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const cutoff = new Date(`${args.get('cutoff') ?? '2011-06-09'}T00:00:00Z`);
const until = new Date(`${args.get('until') ?? '2011-09-09'}T00:00:00Z`);
const file = args.get('file') ?? join(repoRoot, '../shared/data/online-retail.csv.gz');
const variantsFile = args.get('variants');
const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

/** for_you's discovery hit rate at 10 (scoreStrategies' `new`, without its all-items pass). */
function newHitRate(model: Model, test: Map<string, Set<string>>): number {
  let people = 0;
  let hits = 0;
  for (const [profileId, bought] of test) {
    const person = model.people.get(profileId);
    if (!person) continue;
    const before = new Set(person.items.filter((_, i) => person.purchases[i]! > 0));
    const wanted = [...bought].filter((id) => !before.has(id));
    if (wanted.length === 0) continue;
    people++;
    const list = rankWithModel(model, { strategy: 'for_you', profileId, limit: 10, excludePurchased: true }).items;
    if (list.some((i) => bought.has(i.product_id) && !before.has(i.product_id))) hits++;
  }
  return people ? Math.round((hits / people) * 1000) / 1000 : 0;
}

async function main(): Promise<void> {
  if (!existsSync(file)) throw new Error(`No data at ${file}`);
  if (!variantsFile || !existsSync(variantsFile)) throw new Error('--variants: a JSON file of variants is required');
  const rounds = async function* (): AsyncGenerator<Variant[]> {
    yield JSON.parse(readFileSync(variantsFile, 'utf8')) as Variant[];
    for (let n = 2; args.has('watch'); ) {
      const next = variantsFile.replace(/\.json$/, `.${n}.json`);
      if (existsSync(next)) {
        n++;
        yield JSON.parse(readFileSync(next, 'utf8')) as Variant[];
      } else if (existsSync(variantsFile.replace(/\.json$/, '.stop'))) return;
      else await sleep(2_000);
    }
  };
  const server = await startTestServer({ env: { LOG_LEVEL: 'warn' } });
  const { app, workspace } = server;
  const ws = workspace.id;
  const defaults = { personal: { ...personalTuning }, blend: rankTuning.buyAgainBlend };
  try {
    await loadRetailCsv(app, ws, file);
    await app.writer.drain();
    await recomputeWorkspace(app, ws);
    const built = await buildModel(app, ws, { untilMs: cutoff.getTime(), kind: 'eval' });
    const base = await loadModel(app, ws, built.version, cutoff.getTime());
    const test = await purchasesBetween(app, ws, cutoff.getTime(), until.getTime());
    const [best] = scoreStrategies(base, test, ['best_sellers']);
    console.log(`split=train<${cutoff.toISOString().slice(0, 10)},test=${cutoff.toISOString().slice(0, 10)}..${until.toISOString().slice(0, 10)} best_new=${best!.new!.hit_rate} best_all=${best!.all.hit_rate} people_new=${best!.new!.people} load=${loadavg()[0]!.toFixed(2)}`);
    const easeCache = new Map<string, Model['ease']>();
    for await (const variants of rounds()) for (const v of variants) {
      Object.assign(personalTuning, defaults.personal, v.personal ?? {});
      rankTuning.buyAgainBlend = v.buyAgainBlend ?? defaults.blend;
      let ease = base.ease;
      if (v.ease) {
        const key = `${v.ease.items}/${v.ease.lambda}`;
        if (!easeCache.has(key)) {
          const t = performance.now();
          const rows = easeNeighbours([...base.people.values()].map((p) => p.items), { ...buildTuning.ease, ...v.ease });
          const map: Model['ease'] = new Map();
          for (const r of rows) {
            const nb = map.get(r.product_id) ?? { ids: [], scores: [] };
            nb.ids.push(r.neighbour_id);
            nb.scores.push(r.score);
            map.set(r.product_id, nb);
          }
          easeCache.set(key, map);
          log(`EASE ${key} in ${round((performance.now() - t) / 1000, 1)} s`);
        }
        ease = easeCache.get(key)!;
      }
      const model: Model = { ...base, ease, personal: indexPersonal(base.people, ease, (id) => base.stats.get(id)?.buyers ?? 0) };
      const fresh = newHitRate(model, test);
      const all = v.all ? scoreStrategies(model, test, ['for_you'])[0]!.all.hit_rate : null;
      console.log(`${v.name}: ratio_new=${round(fresh / best!.new!.hit_rate, 3)} new=${fresh}${all === null ? '' : ` ratio_all=${round(all / best!.all.hit_rate, 3)} all=${all}`}`);
    }
  } finally {
    Object.assign(personalTuning, defaults.personal);
    rankTuning.buyAgainBlend = defaults.blend;
    await server.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
