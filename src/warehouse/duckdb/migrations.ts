import { type Column, TABLES, type Table } from '../../model/index.js';

/**
 * Versioned schema migrations. A file is stamped with the version it was migrated to; opening an older
 * file applies the missing steps in one transaction, a newer one is refused.
 */
export interface Migration {
  version: number;
  description: string;
  statements: () => string[];
}

/** The DuckDB type of each column type of the model. */
export const DUCKDB_TYPES: Record<Column['type'], string> = {
  string: 'VARCHAR',
  int: 'INTEGER',
  bigint: 'BIGINT',
  money: 'DECIMAL(18,2)',
  quantity: 'DECIMAL(12,3)',
  double: 'DOUBLE',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  bool: 'BOOLEAN',
};

export function createTableSql(table: Table): string {
  const columns = table.columns.map(
    (col) => `"${col.name}" ${DUCKDB_TYPES[col.type]}${col.nullable ? '' : ' NOT NULL'}`,
  );
  // Keys are enforced on the small dimension tables only: an index on a 100M-row fact would slow
  // every bulk load, and fact loads dedupe on their natural key themselves.
  if (table.kind === 'dimension') columns.push(`PRIMARY KEY (${table.key.map((k) => `"${k}"`).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS "${table.name}" (${columns.join(', ')})`;
}

const SQL_TYPE_OF = (table: Table, column: string) => {
  const found = table.columns.find((col) => col.name === column);
  if (!found) throw new Error(`no column ${table.name}.${column}`);
  return DUCKDB_TYPES[found.type];
};

/**
 * Brings any older file to the model as declared now: new tables, new columns, relaxed NOT NULLs. Each
 * statement is idempotent, so a file created fresh (already in shape) passes through unchanged.
 */
function reconcile(): string[] {
  const statements = TABLES.map(createTableSql);
  for (const table of TABLES) {
    for (const col of table.columns) {
      statements.push(
        `ALTER TABLE "${table.name}" ADD COLUMN IF NOT EXISTS "${col.name}" ${SQL_TYPE_OF(table, col.name)}`,
      );
    }
  }
  return statements;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'unified retail data model: dimensions, facts, calendar',
    statements: () => TABLES.map(createTableSql),
  },
  {
    version: 2,
    description:
      'ingest: load history, rejects, store attributes, store-day sales summaries, load_id on facts',
    statements: () => [
      ...reconcile(),
      'ALTER TABLE store ALTER COLUMN selling_area_m2 DROP NOT NULL',
      'ALTER TABLE store_day ALTER COLUMN selling_area_m2 DROP NOT NULL',
      `CREATE TABLE IF NOT EXISTS ingest_load (
         load_id BIGINT PRIMARY KEY, source VARCHAR NOT NULL, spec VARCHAR NOT NULL, spec_hash VARCHAR NOT NULL,
         files VARCHAR NOT NULL, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP, status VARCHAR NOT NULL,
         loaded BIGINT NOT NULL DEFAULT 0, rejected BIGINT NOT NULL DEFAULT 0, skipped BIGINT NOT NULL DEFAULT 0,
         message VARCHAR)`,
      `CREATE TABLE IF NOT EXISTS ingest_reject (
         load_id BIGINT NOT NULL, file VARCHAR NOT NULL, line BIGINT, field VARCHAR, reason VARCHAR NOT NULL, raw VARCHAR)`,
    ],
  },
  {
    version: 3,
    description: 'live sources: high-water marks, last run, last error',
    statements: () => [
      `CREATE TABLE IF NOT EXISTS ingest_source_state (
         source VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, watermark VARCHAR, rows_total BIGINT NOT NULL DEFAULT 0,
         last_run TIMESTAMP, last_success TIMESTAMP, last_error VARCHAR)`,
    ],
  },
];

export const LATEST_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));
