import type { CaptureName, Core } from '../types';
import { pageviews } from './pageviews';

/** What `/sdk/capture.js` captures: loaded only when one of them is on. */
const deep: CaptureName[] = ['scroll', 'pageleave', 'engagement', 'clicks', 'rageClicks', 'deadClicks', 'forms', 'hover', 'exitIntent', 'products'];

/** Page views start here, at once; the deep behaviour module follows from `host` without blocking. */
export function startCapture(c: Core, host: string, pageOpen: () => boolean) {
  if (c.on('pageviews')) pageviews(c);
  if (deep.some(c.on))
    import(/* webpackIgnore: true */ /* @vite-ignore */ host + '/sdk/capture.js')
      .then((m: { start(c: Core, pageOpen: boolean): void }) => m.start(c, pageOpen()))
      .catch(() => 0);
}
