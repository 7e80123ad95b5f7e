import { describe, expect, it } from 'vitest';
import { experimentHash, variantForHash } from '@overture/journeys';
import { assignTemplateVariant, messageExperimentKey, templateVariant, variantForSend, withVariant } from './variants';

const variants = [templateVariant.parse({ key: 'control', weight: 3 }), templateVariant.parse({ key: 'short', weight: 1, subject: 'Quick one' })];
const template = { id: 'tpl_1', subject: 'Hello', body: 'Body', variants, variantWinner: null };
const profiles = Array.from({ length: 4000 }, (_, i) => `p-${i}`);

describe('template variant assignment', () => {
  it('follows the documented hash of message:<templateId> and the profile id, in the weights’ proportions', () => {
    let short = 0;
    for (const p of profiles) {
      const a = assignTemplateVariant(template, p)!;
      expect(a.exposed).toBe(true);
      expect(a.variant.key).toBe(variants[variantForHash(experimentHash(messageExperimentKey('tpl_1'), p), [3, 1])]!.key);
      if (a.variant.key === 'short') short++;
    }
    // A quarter expected: 1000 ± 27 (one standard deviation).
    expect(short).toBeGreaterThan(900);
    expect(short).toBeLessThan(1100);
  });

  it('gives no variant to a template without 2 or more, and the winner, unexposed, once decided', () => {
    expect(assignTemplateVariant({ ...template, variants: [] }, 'p-1')).toBeNull();
    expect(assignTemplateVariant({ ...template, variants: variants.slice(0, 1) }, 'p-1')).toBeNull();
    for (const p of profiles.slice(0, 50)) expect(assignTemplateVariant({ ...template, variantWinner: 'short' }, p)).toEqual({ variant: variants[1], exposed: false });
    // A winner no longer among the variants: the first (the control), as a stopped experiment.
    expect(assignTemplateVariant({ ...template, variantWinner: 'gone' }, 'p-1')).toEqual({ variant: variants[0], exposed: false });
  });

  it('sends the variant the engine asked for while the template has it, else the assignment', () => {
    const p = profiles.find((x) => assignTemplateVariant(template, x)!.variant.key === 'control')!;
    expect(variantForSend(template, p, 'short')).toEqual({ variant: variants[1], exposed: true });
    expect(variantForSend(template, p, 'removed')).toEqual({ variant: variants[0], exposed: true });
    expect(variantForSend(template, p)).toEqual({ variant: variants[0], exposed: true });
    expect(variantForSend({ ...template, variants: [] }, p, 'short')).toBeNull();
  });

  it('overrides only what a variant sets', () => {
    expect(withVariant(template, variants[1])).toMatchObject({ subject: 'Quick one', body: 'Body' });
    expect(withVariant(template, variants[0])).toMatchObject({ subject: 'Hello', body: 'Body' });
    expect(withVariant(template, null)).toBe(template);
  });
});
