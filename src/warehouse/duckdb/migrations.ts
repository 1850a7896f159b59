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

const SQL_TYPES: Record<Column['type'], string> = {
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
    (col) => `"${col.name}" ${SQL_TYPES[col.type]}${col.nullable ? '' : ' NOT NULL'}`,
  );
  // Keys are enforced on the small dimension tables only: an index on a 100M-row fact would slow
  // every bulk load, and fact loads dedupe on their natural key themselves.
  if (table.kind === 'dimension') columns.push(`PRIMARY KEY (${table.key.map((k) => `"${k}"`).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS "${table.name}" (${columns.join(', ')})`;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'unified retail data model: dimensions, facts, calendar',
    statements: () => TABLES.map(createTableSql),
  },
];

export const LATEST_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));
