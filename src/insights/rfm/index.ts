export {
  type MemberRfm,
  memberRfm,
  movement,
  type RfmBreaks,
  SEGMENTS,
  type SegmentId,
  segmentOf,
} from './rfm.js';
