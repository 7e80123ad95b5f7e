export * from './workspaces';
export { KeyResolver, type ResolvedKey } from './key-resolver';
export { hashToken, randomToken } from './keys';
export { asOfAfterImport, asOfFor, setAsOf, storedAsOf } from './as-of';
export { bearerOrBasicKey, requireSecretKey } from './request-auth';
export { knownTimeZone, setTimeZone, timeZoneOf } from './time-zone';
