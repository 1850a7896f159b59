export {
  ClickHouseEngine,
  type ClickHouseOptions,
  copyToClickHouse,
  renderClickHouse,
  replicator,
  syncLoadToClickHouse,
} from './clickhouse/index.js';
export type { DuckDbOptions } from './duckdb/connection.js';
export { duckDbString, renderDuckDb } from './duckdb/dialect.js';
export { DUCKDB_TYPES, LATEST_SCHEMA_VERSION, MIGRATIONS, seedStoreHistory } from './duckdb/migrations.js';
export { openWarehouse, type WarehouseOptions } from './duckdb/open.js';
export {
  type Cell,
  type Engine,
  isWarehouse,
  type MaterialColumn,
  type QueryOptions,
  type Rendered,
  type Row,
  tookTooLong,
  type Warehouse,
} from './engine.js';
export { FACT_CHANGE_TABLE, noteChangedDays, noteChangedFact } from './fact-changes.js';
export { insertRows, type Runner } from './insert.js';
export { keptUntilWrite } from './kept.js';
export * from './query-tree.js';
