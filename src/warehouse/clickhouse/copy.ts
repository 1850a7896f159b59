import { TABLES } from '../../model/index.js';
import type { DuckDbEngine } from '../duckdb/connection.js';
import type { Row } from '../engine.js';
import type { ClickHouseEngine } from './connection.js';

const BATCH = 100_000;

/**
 * Copies every model table of a warehouse (the embedded DuckDB file a chain loads and cleans its data in) to
 * ClickHouse, table by table in batches; each table is emptied first, so a copy run twice gives one copy.
 * `progress` hears the rows of each table copied so far.
 */
export async function copyToClickHouse(
  from: DuckDbEngine,
  to: ClickHouseEngine,
  progress: (table: string, rows: number, total: number) => void = () => undefined,
): Promise<{ table: string; rows: number }[]> {
  const copied: { table: string; rows: number }[] = [];
  for (const table of [...TABLES.map((t) => t.name), 'zhongtai_meta']) {
    // The meta table keeps ClickHouse's own schema version; the rest (the demo's mark) is copied over it.
    if (table !== 'zhongtai_meta') await to.truncate(table);
    const columns =
      table === 'zhongtai_meta'
        ? ['key', 'value']
        : (TABLES.find((t) => t.name === table)?.columns ?? []).map((c) => c.name);
    const types = new Map((TABLES.find((t) => t.name === table)?.columns ?? []).map((c) => [c.name, c.type]));
    // Booleans as 0/1, timestamps without a zone: what ClickHouse 18 reads from JSON.
    const list = columns
      .map((c) =>
        types.get(c) === 'bool'
          ? `CAST("${c}" AS INTEGER) AS "${c}"`
          : types.get(c) === 'timestamp'
            ? `strftime("${c}", '%Y-%m-%d %H:%M:%S') AS "${c}"`
            : `"${c}"`,
      )
      .join(', ');
    const only = table === 'zhongtai_meta' ? ` WHERE key <> 'schema_version'` : '';
    const [counted] = await from.query(`SELECT count(*) AS n FROM "${table}"${only}`);
    const total = Number(counted?.n ?? 0);
    let rows = 0;
    for (let offset = 0; ; offset += BATCH) {
      const batch: Row[] = await from.query(
        `SELECT ${list} FROM "${table}"${only} ORDER BY ALL LIMIT ${BATCH} OFFSET ${offset}`,
      );
      await to.insert(table, batch);
      rows += batch.length;
      progress(table, rows, total);
      if (batch.length < BATCH) break;
    }
    copied.push({ table, rows });
  }
  return copied;
}
