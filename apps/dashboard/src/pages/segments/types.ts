import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@overture/api';

// The dashboard imports only types from the API: segment shapes come from the router's outputs.
type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;

export type Condition = Outputs['segments']['get']['definition'];
export type Group = Extract<Condition, { type: 'and' | 'or' }>;
export type Not = Extract<Condition, { type: 'not' }>;
export type Leaf = Exclude<Condition, Group | Not>;
export type LeafType = Leaf['type'];
export type LeafOf<T extends LeafType> = Extract<Leaf, { type: T }>;
export type SegmentRow = Outputs['segments']['list'][number];
export type PieRow = Outputs['segments']['pie'][number];
export type SegmentSave = Inputs['segments']['create'];
