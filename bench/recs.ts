// pnpm bench:recs [--cutoff=2011-09-09] [--rate=200] [--seconds=10] — recommendations on the full UCI
// Online Retail data set (Dua & Graff, UCI Machine Learning Repository, "Online Retail", Chen et al. 2012),
// `../shared/data/online-retail.csv.gz` beside the repository, imported as `pnpm overture import orders` does
// (guests without a CustomerID, C… cancellations, fees and adjustments handled by the importer).
// Temporal split: a model trained on purchases before the cut-off (default 2011-09-09), tested on what each
// known customer bought from then to the data's end (2011-12-09): hit rate at 10 of for_you against best
// sellers (the same-run baseline), over all items and over items new to the customer. Then the full
// retrain (train_s), and GET /v1/recommendations for random customers (by CustomerID) at a fixed rate
// over real HTTP from a separate load process (serve_p99_ms; /healthz at the same rate is its baseline;
// rank_in_memory_p99_ms is the model's own ranking cost without HTTP). The event loop's worst delay during
// the retrain (train_event_loop_max_delay_ms), and during EASE alone on the same baskets in this thread
// (the same-run baseline) and in the worker thread builds use (ease_*).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer } from '@overture/api/testing';
import { buildModel, buildTuning, easeNeighbours, easeNeighboursInWorker, forgetModel, liveModel as servingModel, loadModel, loadRetailCsv, purchasesBetween, rankWithModel, recomputeWorkspace, scoreStrategies } from '@overture/api';
import { percentile, round } from './lib/stats';
import { repoRoot } from './lib/platform';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const cutoff = new Date(`${args.get('cutoff') ?? '2011-09-09'}T00:00:00Z`);
const rate = Number(args.get('rate') ?? 200);
const seconds = Number(args.get('seconds') ?? 10);
const dataEnd = new Date('2011-12-10T00:00:00Z');
const file = args.get('file') ?? join(repoRoot, '../shared/data/online-retail.csv.gz');

const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

/** An open-loop GET load from its own process (bench/lib/open-loop-get.ts), so it does not share the server's event loop. */
function load(urls: string[], authorization = ''): Promise<{ p50: number; p99: number; errors: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'overture-bench-recs-'));
  const file = join(dir, 'urls.json');
  writeFileSync(file, JSON.stringify(urls));
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench/lib/open-loop-get.ts'), String(rate), String(seconds), file, authorization], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      const line = /^(\{.*\})$/m.exec(out);
      if (code !== 0 || !line) return reject(new Error(`load generator exited with ${code}: ${out}`));
      resolve(JSON.parse(line[1]!) as { p50: number; p99: number; errors: number });
    });
  });
}

/**
 * The event loop's worst delay (ms) and the wall time (s) while `work` runs: a timer due every 10 ms,
 * as a request the process serves meanwhile would be, and the longest it came late.
 */
async function loopDelayDuring(work: () => unknown): Promise<{ maxMs: number; s: number }> {
  const every = 10;
  let last = performance.now();
  let maxMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxMs = Math.max(maxMs, now - last - every);
    last = now;
  }, every);
  const t = performance.now();
  await work();
  const s = (performance.now() - t) / 1000;
  // The tick that was held up fires now: let it count before stopping.
  await new Promise((r) => setTimeout(r, 5 * every));
  clearInterval(timer);
  return { maxMs, s };
}

/** The model's own cost: ranking for_you in memory for each customer, no HTTP. */
function rankP99(model: Awaited<ReturnType<typeof loadModel>>, people: string[]): number {
  const times: number[] = [];
  for (const profileId of people) {
    const t = performance.now();
    rankWithModel(model, { strategy: 'for_you', profileId, limit: 10 });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return percentile(times, 99);
}

async function main(): Promise<void> {
  if (!existsSync(file)) throw new Error(`No data at ${file}`);
  const loadAvg = () => loadavg().map((x) => x.toFixed(2)).join(',');
  console.log(`load_average_start=${loadAvg()}`);
  const server = await startTestServer({ env: { LOG_LEVEL: 'warn' } });
  const { app, workspace } = server;
  const ws = workspace.id;
  try {
    log('importing the UCI Online Retail orders…');
    const t0 = performance.now();
    const loaded = await loadRetailCsv(app, ws, file);
    await app.writer.drain();
    await recomputeWorkspace(app, ws);
    log(`imported ${loaded.lines} lines, ${loaded.customers} customers, ${loaded.products} products in ${round((performance.now() - t0) / 1000)} s`);

    // Offline: train before the cut-off, test after it.
    const evalBuild = await buildModel(app, ws, { untilMs: cutoff.getTime(), kind: 'eval' });
    const evalModel = await loadModel(app, ws, evalBuild.version, cutoff.getTime());
    const test = await purchasesBetween(app, ws, cutoff.getTime(), dataEnd.getTime());
    const [forYou, bestSellers] = scoreStrategies(evalModel, test, ['for_you', 'best_sellers']);
    log(`evaluated ${forYou!.all.people} customers (${forYou!.new!.people} with new items)`);

    // The live model: a full retrain on everything, then served from memory.
    // The event loop's worst delay during it: requests the process serves meanwhile wait that long.
    let live!: Awaited<ReturnType<typeof buildModel>>;
    const trainLoop = await loopDelayDuring(async () => (live = await buildModel(app, ws, { untilMs: dataEnd.getTime() })));
    forgetModel(app, ws);
    const bytes = await app.clickhouse.query({
      query: `SELECT sum(data_compressed_bytes) AS b FROM system.parts WHERE active AND table IN ('rec_affinity', 'rec_neighbours', 'rec_item_stats')`,
      format: 'JSONEachRow',
    });
    const modelBytes = Number(((await bytes.json()) as Array<{ b: string }>)[0]?.b ?? 0);
    const liveModel = await loadModel(app, ws, live.version, dataEnd.getTime());
    const customers = [...liveModel.people.keys()];
    // EASE alone on the live model's baskets, in this thread (the same-run baseline) and in the worker the build uses.
    const baskets = [...liveModel.people.values()].map((p) => p.items);
    const easeInline = await loopDelayDuring(() => easeNeighbours(baskets, buildTuning.ease));
    const easeWorker = await loopDelayDuring(() => easeNeighboursInWorker(baskets, buildTuning.ease));
    // Customers are asked for by their user id (the CustomerID), as an API client would.
    const userIds = (await (await app.clickhouse.query({
      query: `SELECT distinct_id FROM identities WHERE workspace_id = {ws:String} AND kind = 'user'`,
      query_params: { ws },
      format: 'JSONEachRow',
    }).then((r) => r.json())) as Array<{ distinct_id: string }>).map((r) => r.distinct_id);
    log(`live model: ${customers.length} people, ${liveModel.co.size} products with neighbours; serving ${rate} req/s for ${seconds} s`);
    const auth = `Bearer ${workspace.secretKey}`;
    const urls = Array.from({ length: rate * seconds }, () => `${server.url}/v1/recommendations?strategy=for_you&limit=10&profile_id=${encodeURIComponent(userIds[Math.floor(Math.random() * userIds.length)]!)}`);
    await load(urls.slice(0, rate * 2), auth); // warm: the model's first load
    await servingModel(app, ws); // measure serving, not a load still indexing the model when warming ended
    const serve = await load(urls, auth);
    const base = await load(urls.map(() => `${server.url}/healthz`));
    const rank = rankP99(liveModel, customers);
    console.log(`split=train<${cutoff.toISOString().slice(0, 10)},test=${cutoff.toISOString().slice(0, 10)}..${dataEnd.toISOString().slice(0, 10)}`);
    console.log(`customers_tested=${forYou!.all.people}`);
    console.log(`train_s=${round(live.ms / 1000, 2)}`);
    console.log(`train_event_loop_max_delay_ms=${round(trainLoop.maxMs, 1)}`);
    console.log(`ease_in_thread_s=${round(easeInline.s, 2)}`);
    console.log(`ease_in_thread_event_loop_max_delay_ms=${round(easeInline.maxMs, 1)}`);
    console.log(`ease_worker_s=${round(easeWorker.s, 2)}`);
    console.log(`ease_worker_event_loop_max_delay_ms=${round(easeWorker.maxMs, 1)}`);
    console.log(`train_eval_s=${round(evalBuild.ms / 1000, 2)}`);
    console.log(`serve_p50_ms=${round(serve.p50, 2)}`);
    console.log(`serve_p99_ms=${round(serve.p99, 2)}`);
    console.log(`serve_errors=${serve.errors}`);
    console.log(`baseline_healthz_p99_ms=${round(base.p99, 2)}`);
    console.log(`rank_in_memory_p99_ms=${round(rank, 3)}`);
    console.log(`hit_rate_for_you_new=${forYou!.new!.hit_rate}`);
    console.log(`hit_rate_best_sellers_new=${bestSellers!.new!.hit_rate}`);
    console.log(`ratio_new=${round(forYou!.new!.hit_rate / bestSellers!.new!.hit_rate, 3)}`);
    console.log(`hit_rate_for_you_all=${forYou!.all.hit_rate}`);
    console.log(`hit_rate_best_sellers_all=${bestSellers!.all.hit_rate}`);
    console.log(`ratio_all=${round(forYou!.all.hit_rate / bestSellers!.all.hit_rate, 3)}`);
    console.log(`recall_for_you_all=${forYou!.all.recall}`);
    console.log(`recall_best_sellers_all=${bestSellers!.all.recall}`);
    console.log(`model_bytes=${modelBytes}`);
    console.log(`load_average_end=${loadAvg()}`);
  } finally {
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
