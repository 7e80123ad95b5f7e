import type { Core } from '../types';
import { scroll } from './scroll';
import { engagement } from './engagement';
import { clicks } from './clicks';
import { forms } from './forms';
import { hover } from './hover';
import { exitIntent } from './exit';
import { products } from './products';

/**
 * `/sdk/capture.js`: deep behaviour (scroll, engaged time, clicks, forms, hover, exit intent, product
 * views), an ES module the core fetches once capture starts, so none of it weighs on the first event.
 * A page view already under way when it arrives gets its start hooks at once.
 */
export function start(c: Core, pageOpen: boolean) {
  const before = c.pageStart.length;
  if (c.on('scroll') || c.on('pageleave')) scroll(c);
  if (c.on('engagement')) engagement(c);
  if (c.on('clicks') || c.on('rageClicks') || c.on('deadClicks')) clicks(c);
  if (c.on('forms')) forms(c);
  if (c.on('hover')) hover(c);
  if (c.on('exitIntent')) exitIntent(c);
  if (c.on('products')) products(c);
  if (pageOpen) for (const fn of c.pageStart.slice(before)) fn();
}
