import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TABLES } from '../../model/index.js';
import type { DuckDbEngine } from '../duckdb/connection.js';
import { duckDbString } from '../duckdb/dialect.js';
import type { ClickHouseEngine } from './connection.js';

const BATCH_LINES = 200_000;

/** What DuckDB writes for each column so ClickHouse 18 reads it from JSON: booleans 0/1, times without a zone. */
function selectList(table: string): string {
  if (table === 'zhongtai_meta') return '"key", "value"';
  const columns = TABLES.find((t) => t.name === table)?.columns ?? [];
  return columns
    .map((c) =>
      c.type === 'bool'
        ? `CAST("${c.name}" AS INTEGER) AS "${c.name}"`
        : c.type === 'timestamp'
          ? `strftime("${c.name}", '%Y-%m-%d %H:%M:%S') AS "${c.name}"`
          : `"${c.name}"`,
    )
    .join(', ');
}

/**
 * Copies every model table of a warehouse (the embedded DuckDB file a chain loads and cleans its data in) to
 * ClickHouse: DuckDB writes each table as JSON lines to a temporary file, which is sent on in batches of
 * 200,000 lines. Each table is emptied first, so a copy run twice gives one copy. `progress` hears the rows
 * of each table copied so far.
 */
export async function copyToClickHouse(
  from: DuckDbEngine,
  to: ClickHouseEngine,
  progress: (table: string, rows: number, total: number) => void = () => undefined,
): Promise<{ table: string; rows: number }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'zhongtai-copy-'));
  const copied: { table: string; rows: number }[] = [];
  try {
    for (const table of [...TABLES.map((t) => t.name), 'zhongtai_meta']) {
      // The meta table keeps ClickHouse's own schema version; the rest (the demo's mark) is copied over it.
      const only = table === 'zhongtai_meta' ? ` WHERE key <> 'schema_version'` : '';
      if (table !== 'zhongtai_meta') await to.truncate(table);
      const [counted] = await from.query(`SELECT count(*) AS n FROM "${table}"${only}`);
      const total = Number(counted?.n ?? 0);
      const file = join(dir, `${table}.jsonl`);
      await from.query(
        `COPY (SELECT ${selectList(table)} FROM "${table}"${only}) TO ${duckDbString(file)} (FORMAT JSON)`,
      );
      let rows = 0;
      let batch: string[] = [];
      const send = async () => {
        await to.insertLines(table, batch);
        rows += batch.length;
        batch = [];
        progress(table, rows, total);
      };
      for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
        if (!line) continue;
        batch.push(line);
        if (batch.length >= BATCH_LINES) await send();
      }
      if (batch.length) await send();
      rmSync(file, { force: true });
      copied.push({ table, rows });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return copied;
}
