import { z } from 'zod';
import { experimentHash, variantForHash } from '@overture/journeys';

/**
 * A placement's variants: 2–5 versions of it shown to stable shares of visitors, so its experiment
 * (kind `onsite`, key `onsite:<placementId>`, kept by the experiments domain) can tell which works
 * best. A variant's empty content or link falls back to the placement's own, so a variant may differ
 * in its layout or CTA alone. A control variant shows nothing: its visitors are exposed and see no
 * placement, which measures the placement's own lift.
 */
export const overlayLayouts = ['top_bar', 'modal', 'slide_in'] as const;

export const placementVariant = z.object({
  name: z.string().trim().min(1).max(100),
  weight: z.number().positive().max(1000).default(1),
  control: z.boolean().default(false),
  /** Liquid HTML (overlays, inline), or the CTA text; '' = the placement's. */
  content: z.string().max(100_000).default(''),
  /** The CTA link; '' = the placement's. */
  href: z.string().trim().max(4_000).default(''),
  /** Another overlay layout for an overlay placement; null = the placement's kind. */
  layout: z.enum(overlayLayouts).nullable().default(null),
});
export type PlacementVariant = z.output<typeof placementVariant>;

export const maxVariants = 5;

export const onsiteExperimentKey = (placementId: string) => `onsite:${placementId}`;

/** The variant a profile sees and whether that counts as an exposure (not once the experiment is decided). */
export function assignPlacementVariant(p: { id: string; variants: PlacementVariant[]; variantWinner: string | null }, profileId: string): { variant: PlacementVariant; exposed: boolean } | null {
  if (p.variants.length < 2) return null;
  if (p.variantWinner !== null) {
    const winner = p.variants.find((v) => v.name === p.variantWinner);
    // A winner no longer among the variants (renamed since): the first variant, as a stopped experiment.
    return { variant: winner ?? p.variants[0]!, exposed: false };
  }
  const i = variantForHash(experimentHash(onsiteExperimentKey(p.id), profileId), p.variants.map((v) => v.weight));
  return { variant: p.variants[i]!, exposed: true };
}
