export { listLoads, listRejects } from './history.js';
export { type ImportOptions, type ImportResult, importFiles, type TargetResult } from './load.js';
export { type PullResult, pull, resolveUrl } from './pull.js';
export { type PushResult, pushBatch, pushFileName } from './push.js';
export { listSources, recordSourceState } from './source-state.js';
export {
  type ColumnSpec,
  type FileSpec,
  fileSpecFor,
  loadSpec,
  type Spec,
  sectionOf,
  specOf,
  type TargetSpec,
} from './spec.js';
export { type Subscription, subscribe } from './subscribe.js';
export { type RollbackResult, rollbackLoad } from './undo.js';
