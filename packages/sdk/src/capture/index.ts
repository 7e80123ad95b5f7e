import type { Core } from '../types';
import { pageviews } from './pageviews';
import { scroll } from './scroll';
import { engagement } from './engagement';
import { clicks } from './clicks';
import { forms } from './forms';
import { hover } from './hover';
import { exitIntent } from './exit';
import { products } from './products';

export function startCapture(c: Core) {
  if (c.on('pageviews')) pageviews(c);
  if (c.on('scroll') || c.on('pageleave')) scroll(c);
  if (c.on('engagement')) engagement(c);
  if (c.on('clicks') || c.on('rageClicks') || c.on('deadClicks')) clicks(c);
  if (c.on('forms')) forms(c);
  if (c.on('hover')) hover(c);
  if (c.on('exitIntent')) exitIntent(c);
  if (c.on('products')) products(c);
}
