export { dataRange, forgetDataFacts } from './availability.js';
export * from './catalog/index.js';
export { type CatalogDocument, catalogDocument } from './catalog-document.js';
export { compile, type ResolvedQuery, resolveQuery } from './compiler/plan.js';
export { addDays, addMonths, comparisonFor, truncate } from './compiler/time.js';
export { type DrillResult, drillRows } from './drill.js';
export {
  DEFAULT_LIMITS,
  estimatedGroups,
  isHeavy,
  type QueryBudget,
  type QueryLimits,
  queryBudget,
} from './limits.js';
export { PERIODS, type PeriodName, periodRange } from './periods.js';
export {
  COMPARE_MODES,
  type CompareMode,
  type Filter,
  parseQuery,
  type Query,
  type QueryInput,
  querySchema,
  type TimeRange,
} from './query.js';
export type { ColumnMeta, QueryResult } from './result.js';
export {
  type RollupRefresh,
  type RollupStatus,
  refreshRollups,
  rollupStatus,
  startRollupRefresher,
  usableRollups,
} from './rollups.js';
export { grantedSkus, type ResolvedScope, resolveScope, UNRESTRICTED } from './scope.js';
export { runQuery } from './service.js';
