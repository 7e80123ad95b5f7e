export { conditionSchema, segmentInput, referencedSegments, type Condition, type SegmentInput, type SegmentDraft } from './schema';
export { compileCondition } from './compile';
export { createSegment, updateSegment, deleteSegment, getSegment, listSegments, SegmentError, type Segment } from './store';
export { estimateSize, refreshSegment, refreshWorkspaceSegments, refreshProfilesSegments, segmentSize, type Transition } from './refresh';
export { recomputeWorkspace } from './recompute';
export { startProfilesWorker } from './scheduler';
export { pieView, type PieRow } from './pie';
export { segmentMembers, segmentMemberIds } from './members';
