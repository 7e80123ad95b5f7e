import type { Core } from '../types';
import { listen } from './dom';

export const idleAfter = 30000;

/**
 * Engaged time: a visible page with input in the last 30 s. Each input credits the time since the
 * previous one, up to 30 s; coming back after longer is reported as `$idle`.
 */
export function engagement(c: Core) {
  let engaged = 0;
  let last = performance.now();
  let visible = !document.hidden;
  const credit = (now: number) => {
    if (visible) engaged += Math.min(now - last, idleAfter);
    last = now;
  };
  const input = () => {
    const now = performance.now();
    if (now - last < 1000) return; // throttle: the next input credits the whole gap anyway
    if (visible && now - last > idleAfter) c.track('$idle', { idle_ms: Math.round(now - last - idleAfter) });
    credit(now);
  };
  // a touch fires pointerdown too (every browser this script's syntax runs in has pointer events)
  for (const t of ['pointerdown', 'pointermove', 'keydown', 'scroll']) listen(document, t, input);
  listen(document, 'visibilitychange', () => {
    credit(performance.now());
    visible = !document.hidden;
  });
  c.pageStart.push(() => {
    engaged = 0;
    last = performance.now();
  });
  c.pageEnd.push((p) => {
    credit(performance.now());
    const ms = Math.round(engaged);
    p.engaged_ms = ms;
    p.idle_ms = Math.max(0, (p.duration_ms as number) - ms);
  });
}
