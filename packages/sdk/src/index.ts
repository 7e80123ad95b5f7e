import { createOverture } from './client';

export { createOverture, type Overture } from './client';
export type { CaptureName, Consent, Options, Props } from './types';
export { version } from './version';

/** The page's Overture client: `overture.init(writeKey, { host })`, then `track`, `page`, `identify`... */
export const overture = createOverture();
