import type { Model } from './model';
import { nearestPeopleScores } from './people-knn';

/**
 * How `for_you` scores products new to a person, chosen on a validation split of the UCI data (see
 * docs/recommendations.md): EASE item-item weights from the person's products, plus their nearest
 * people's purchases, each scaled to its top product, then damped by popularity (people who have
 * the product, raised to `damping`) so a merely popular product does not crowd out a fitting one.
 */
export const personalTuning = { easeWeight: 2, peopleWeight: 1, damping: 0.1, easeRead: 200, people: { neighbours: 100, read: 200, sharpen: 2 } };

export interface PersonalScore {
  score: number;
  /** The person's product that suggested it most through EASE, if any. */
  because: string | null;
}

/**
 * Products with their `for_you` score; with `excludeOwn`, only those the person does not have yet
 * (their own products otherwise score too: neighbours buying them again says they are bought again).
 */
export function personalScores(model: Model, profileId: string, excludeOwn: boolean): Map<string, PersonalScore> {
  const out = new Map<string, PersonalScore>();
  const person = model.people.get(profileId);
  if (!person) return out;
  const t = personalTuning;
  const own = new Set(excludeOwn ? person.items : []);
  const ease = new Map<string, { s: number; by: string; w: number }>();
  let easeMax = 0;
  for (let i = 0; i < Math.min(person.items.length, t.easeRead); i++) {
    const n = model.ease.get(person.items[i]!);
    if (!n) continue;
    for (let j = 0; j < n.ids.length; j++) {
      const id = n.ids[j]!;
      if (own.has(id)) continue;
      const w = n.scores[j]!;
      const e = ease.get(id);
      if (!e) ease.set(id, { s: w, by: person.items[i]!, w });
      else {
        e.s += w;
        if (w > e.w) Object.assign(e, { by: person.items[i]!, w });
      }
      easeMax = Math.max(easeMax, ease.get(id)!.s);
    }
  }
  const index = model.peopleIndex;
  const near = nearestPeopleScores(index, profileId, t.people);
  let nearMax = 0;
  for (const [x, s] of near) if (!own.has(index.productIds[x]!)) nearMax = Math.max(nearMax, s);
  const add = (id: string, s: number, because: string | null) => {
    const prev = out.get(id);
    out.set(id, { score: (prev?.score ?? 0) + s, because: prev?.because ?? because });
  };
  if (easeMax > 0) for (const [id, e] of ease) add(id, (t.easeWeight * e.s) / easeMax, e.by);
  if (nearMax > 0) for (const [x, s] of near) if (!own.has(index.productIds[x]!)) add(index.productIds[x]!, (t.peopleWeight * s) / nearMax, null);
  for (const [id, p] of out) {
    const x = index.productIndex.get(id);
    p.score /= Math.pow(x === undefined ? 1 : Math.max(1, index.counts[x]!), t.damping);
  }
  return out;
}
