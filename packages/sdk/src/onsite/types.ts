import type { Consent } from '../types';

/** What the core hands the onsite module: the client (for page events) and live identity and consent. */
export type OnsiteState = () => [{ a: string; u?: string | undefined }, Consent, boolean | undefined];
export type OnsiteStart = (sdk: { on(event: string, fn: () => void): () => void }, writeKey: string, host: string, state: OnsiteState) => void;
