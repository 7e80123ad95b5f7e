import { describe, expect, it } from 'vitest';
import { assignPlacementVariant, placementVariant } from './variants';

const variants = [{ name: 'Control', control: true }, { name: 'A' }, { name: 'B', weight: 2 }].map((v) => placementVariant.parse(v));

describe('assignPlacementVariant', () => {
  it('runs no experiment for a placement without two variants', () => {
    expect(assignPlacementVariant({ id: 'p', variants: [], variantWinner: null }, 'x')).toBeNull();
  });

  it('splits by weight, the same profile always to the same variant, each assignment an exposure', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 4_000; i++) {
      const a = assignPlacementVariant({ id: 'p', variants, variantWinner: null }, `profile-${i}`)!;
      expect(a.exposed).toBe(true);
      expect(assignPlacementVariant({ id: 'p', variants, variantWinner: null }, `profile-${i}`)!.variant).toBe(a.variant);
      counts.set(a.variant.name, (counts.get(a.variant.name) ?? 0) + 1);
    }
    // Weights 1 : 1 : 2 of 4,000: about 1,000, 1,000 and 2,000 (binomial sd ≈ 27 and 32).
    expect(counts.get('Control')).toBeGreaterThan(880);
    expect(counts.get('Control')).toBeLessThan(1_120);
    expect(counts.get('B')).toBeGreaterThan(1_850);
    expect(counts.get('B')).toBeLessThan(2_150);
  });

  it('gives everyone a decided winner without exposing them, and the first variant for a winner since removed', () => {
    for (const id of ['a', 'b', 'c']) {
      expect(assignPlacementVariant({ id: 'p', variants, variantWinner: 'B' }, id)).toEqual({ variant: variants[2], exposed: false });
      expect(assignPlacementVariant({ id: 'p', variants, variantWinner: 'Gone' }, id)).toEqual({ variant: variants[0], exposed: false });
    }
  });
});
