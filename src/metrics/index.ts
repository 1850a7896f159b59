export * from './catalog/index.js';
export { compile, resolveQuery, type ResolvedQuery } from './compiler/plan.js';
export { addDays, addMonths, comparisonFor, truncate } from './compiler/time.js';
export { parseQuery, querySchema, COMPARE_MODES, type Query, type QueryInput, type Filter, type TimeRange, type CompareMode } from './query.js';
export { runQuery, dataRange, type ColumnMeta, type QueryResult } from './service.js';
export { catalogDocument, type CatalogDocument } from './catalog-document.js';
