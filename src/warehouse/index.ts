export {
  ClickHouseEngine,
  type ClickHouseOptions,
  copyToClickHouse,
  renderClickHouse,
  syncLoadToClickHouse,
} from './clickhouse/index.js';
export { DuckDbEngine, type DuckDbOptions } from './duckdb/connection.js';
export { duckDbString, renderDuckDb } from './duckdb/dialect.js';
export { DUCKDB_TYPES, LATEST_SCHEMA_VERSION, MIGRATIONS, seedStoreHistory } from './duckdb/migrations.js';
export { type Cell, type Engine, type QueryOptions, type Rendered, type Row, tookTooLong } from './engine.js';
export { FACT_CHANGE_TABLE, noteChangedDays, noteChangedFact } from './fact-changes.js';
export { insertRows, type Runner } from './insert.js';
export * from './query-tree.js';
