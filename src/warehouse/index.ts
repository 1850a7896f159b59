export { DuckDbEngine, type DuckDbOptions } from './duckdb/connection.js';
export { renderDuckDb } from './duckdb/dialect.js';
export { DUCKDB_TYPES, LATEST_SCHEMA_VERSION, MIGRATIONS, seedStoreHistory } from './duckdb/migrations.js';
export type { Cell, Engine, Rendered, Row } from './engine.js';
export { insertRows, type Runner } from './insert.js';
export * from './query-tree.js';

import { DuckDbEngine } from './duckdb/connection.js';
import type { Engine } from './engine.js';

export async function openWarehouse(options: {
  engine?: 'duckdb';
  path: string;
  threads?: number;
}): Promise<Engine> {
  return DuckDbEngine.open({ path: options.path, threads: options.threads });
}
