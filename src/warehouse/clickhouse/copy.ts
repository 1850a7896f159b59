import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TABLES } from '../../model/index.js';
import { duckDbString } from '../duckdb/dialect.js';
import type { Engine, Warehouse } from '../engine.js';
import { ClickHouseEngine } from './connection.js';
import { quoteName } from './literals.js';

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

/** Rows of `table` matching `where`, written by DuckDB as JSON lines and sent on to `target` in batches. */
async function stream(
  from: Warehouse,
  to: ClickHouseEngine,
  dir: string,
  table: string,
  target: string,
  where: string,
  progress: (rows: number) => void = () => undefined,
): Promise<number> {
  const file = join(dir, `${target}.jsonl`);
  await from.query(
    `COPY (SELECT ${selectList(table)} FROM "${table}"${where}) TO ${duckDbString(file)} (FORMAT JSON)`,
  );
  let rows = 0;
  let batch: string[] = [];
  const send = async () => {
    await to.insertLines(target, batch);
    rows += batch.length;
    batch = [];
    progress(rows);
  };
  try {
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      if (!line) continue;
      batch.push(line);
      if (batch.length >= BATCH_LINES) await send();
    }
    if (batch.length) await send();
  } finally {
    rmSync(file, { force: true });
  }
  return rows;
}

/**
 * What one load wrote, made visible on ClickHouse: a fact's months that the load touched are rebuilt from
 * the warehouse into a staging table and swapped in whole (`REPLACE PARTITION`: atomic, so a month is never
 * missing or doubled, and a replayed or corrected row is never counted twice); a dimension is copied whole.
 * On a single node; a cluster is synced whole (`copyToClickHouse`).
 */
export async function syncLoadToClickHouse(
  from: Warehouse,
  to: ClickHouseEngine,
  loadId: number,
  tables: string[],
): Promise<void> {
  if (!Number.isSafeInteger(loadId)) throw new Error('bad load id');
  if (to.clustered) {
    await copyToClickHouse(from, to);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'zhongtai-sync-'));
  try {
    for (const table of tables) {
      const def = TABLES.find((t) => t.name === table);
      if (!def) continue;
      const dated = def.kind === 'fact' && def.columns.some((c) => c.name === 'date' && !c.nullable);
      if (!dated) {
        await to.truncate(table);
        await stream(from, to, dir, table, table, '');
        continue;
      }
      const months = await from.query(
        `SELECT DISTINCT CAST(strftime(date, '%Y%m') AS INTEGER) AS m FROM "${table}" WHERE load_id = ${loadId}`,
      );
      const stage = `${table}__stage`;
      await to.run(`CREATE TABLE IF NOT EXISTS ${quoteName(stage)} AS ${quoteName(table)}`);
      for (const { m } of months) {
        const month = Number(m);
        if (!Number.isSafeInteger(month)) continue;
        await to.run(`TRUNCATE TABLE ${quoteName(stage)}`);
        await stream(
          from,
          to,
          dir,
          table,
          stage,
          ` WHERE CAST(strftime(date, '%Y%m') AS INTEGER) = ${month}`,
        );
        await to.run(`ALTER TABLE ${quoteName(table)} REPLACE PARTITION ${month} FROM ${quoteName(stage)}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Copies every model table of a warehouse (the embedded DuckDB file a chain loads and cleans its data in) to
 * ClickHouse: DuckDB writes each table as JSON lines to a temporary file, which is sent on in batches of
 * 200,000 lines. Each table is emptied first, so a copy run twice gives one copy. `progress` hears the rows
 * of each table copied so far.
 */
export async function copyToClickHouse(
  from: Warehouse,
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
      const rows = await stream(from, to, dir, table, table, only, (n) => progress(table, n, total));
      copied.push({ table, rows });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return copied;
}

/**
 * What keeps the engine that answers queries in step with the warehouse after a load: on ClickHouse, the
 * load's months swapped in; nothing when the warehouse answers queries itself.
 */
export function replicator(
  warehouse: Warehouse,
  engine: Engine,
): ((loadId: number, tables: string[]) => Promise<void>) | undefined {
  return engine instanceof ClickHouseEngine
    ? (loadId, tables) => syncLoadToClickHouse(warehouse, engine, loadId, tables)
    : undefined;
}
