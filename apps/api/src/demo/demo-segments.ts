import type { App } from '../app-handle';
import { createSegment, recomputeWorkspace, type SegmentDraft } from '../segments';
import { seedDemoJourneys } from './demo-journeys';

/** Audiences a DTC marketer starts from, so the demo's segment, RFM and PIE pages have something to show. */
export const demoSegments: SegmentDraft[] = [
  { name: 'Champions and Loyal', description: 'Bought recently and often: ask for reviews and referrals.', definition: { type: 'rfm_segment', segments: ['Champions', 'Loyal'] } },
  {
    name: 'At risk, high value',
    description: 'Used to spend a lot, have not ordered for a while: win them back first.',
    definition: { type: 'and', conditions: [{ type: 'rfm_segment', segments: ['At Risk', "Can't Lose", 'About to Sleep'] }, { type: 'rfm_score', score: 'm', op: 'gte', value: 4 }] },
  },
  { name: 'One-time buyers', description: 'Exactly one order: the second order is the hardest.', definition: { type: 'feature', feature: 'orders', op: 'eq', value: 1 } },
  { name: 'Outside the UK', description: 'International customers (country trait).', definition: { type: 'not', condition: { type: 'trait', trait: 'country', op: 'eq', value: 'United Kingdom' } } },
  { name: 'Holdout 10 %', description: 'A stable random 10 % to keep out of campaigns and measure lift.', definition: { type: 'random_bucket', salt: 'demo-holdout', from: 0, to: 9 } },
];

/**
 * Creates the demo segments and journeys, then computes features, RFM and memberships at once rather
 * than at the next scheduled refresh.
 */
export async function seedDemoSegments(app: App, workspaceId: string): Promise<void> {
  const created = [];
  for (const s of demoSegments) created.push(await createSegment(app, workspaceId, s));
  await seedDemoJourneys(app, workspaceId, created.find((s) => s.name === 'At risk, high value')!.id);
  await recomputeWorkspace(app, workspaceId);
}
