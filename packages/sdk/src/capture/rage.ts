/**
 * A rage click is at least `count` clicks within `windowMs` and `radius` px of each other. The detector
 * reports a burst once, when it reaches `count`; further clicks of the same burst stay silent.
 */
export function rageDetector(count = 3, windowMs = 1000, radius = 30) {
  let hits: number[][] = [];
  return (t: number, x: number, y: number): number => {
    hits = hits.filter((h) => t - h[0]! <= windowMs && Math.hypot(h[1]! - x, h[2]! - y) <= radius);
    hits.push([t, x, y]);
    return hits.length == count ? count : 0;
  };
}
