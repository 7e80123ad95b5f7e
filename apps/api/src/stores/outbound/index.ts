export { OutboundGuard, OutboundLimitError, OutboundRefusedError, type OutboundOptions, type OutboundRequest, type OutboundResponse, type ResolvedAddress, type Resolver } from './guard';
export { parseAllowList } from './addresses';
