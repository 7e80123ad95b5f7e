export * from './workspaces';
export { KeyResolver, type ResolvedKey } from './key-resolver';
export { hashToken, randomToken } from './keys';
