import type { App } from '../app-handle';
import { evaluateRecommendations, type Metric } from '../recommendations';
import { getWorkspace } from '../workspaces';
import { requireFlag, UsageError, type ParsedArgs } from './args';

const pct = (m: Metric | null) => (m ? `${(m.hit_rate * 100).toFixed(1).padStart(5)}% ${(m.recall * 100).toFixed(1).padStart(5)}%` : '     —      —');

/** `pnpm overture recs evaluate --workspace ID --cutoff YYYY-MM-DD [--json]`: the offline evaluation. */
export async function recsEvaluateCommand(app: App, args: ParsedArgs): Promise<void> {
  const workspaceId = requireFlag(args, 'workspace');
  const cutoffText = requireFlag(args, 'cutoff');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(cutoffText) || Number.isNaN(Date.parse(`${cutoffText}T00:00:00Z`))) throw new UsageError('--cutoff: a date as YYYY-MM-DD');
  if (!(await getWorkspace(app.postgres.db, workspaceId))) throw new UsageError(`No workspace with id ${workspaceId}`);
  let result;
  try {
    result = await evaluateRecommendations(app, workspaceId, new Date(`${cutoffText}T00:00:00Z`));
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(`--${err.message}`);
    throw err;
  }
  if (args.flags.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log(`Trained before ${result.cutoff.slice(0, 10)} (${result.train_s} s), tested on purchases to ${result.test_until.slice(0, 10)} of ${result.people} people; hit rate and recall at ${result.k}`);
  console.log(`${'strategy'.padEnd(16)} ${'all: hit  recall'.padEnd(16)} ${'repeat: hit  recall'.padEnd(19)} ${'new: hit  recall'.padEnd(16)} vs best sellers (all, new)`);
  for (const s of result.strategies) {
    console.log(`${s.strategy.padEnd(16)} ${pct(s.all).padEnd(16)} ${pct(s.repeat).padEnd(19)} ${pct(s.new).padEnd(16)} ${s.lift_all ?? '—'}×, ${s.lift_new ?? '—'}×`);
  }
}
