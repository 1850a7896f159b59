export { type MemberRfm, memberRfm, movement, SEGMENTS, type SegmentId, segmentOf } from './rfm.js';
