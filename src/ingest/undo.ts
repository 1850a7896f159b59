import { TABLES, type Table, tableByName, ZhongtaiError } from '../model/index.js';
import { DUCKDB_TYPES, duckDbString, noteChangedFact, type Warehouse } from '../warehouse/index.js';

/**
 * What a rollback needs besides the load ids on fact rows: the rows a load overwrote or deleted (a
 * replaced day, an updated store) as they were before, and the keys it wrote where rows carry no load id
 * (master data). Rows travel as JSON text, so one table holds them for every model table.
 */
const q = (name: string) => `"${name}"`;
const keyJson = (alias: string, key: string[]) =>
  `CAST(to_json({${key.map((k) => `${duckDbString(k)}: ${alias}.${q(k)}`).join(', ')}}) AS VARCHAR)`;

export async function keepBefore(
  engine: Warehouse,
  loadId: number,
  table: Table,
  where: string,
): Promise<void> {
  await engine.run(
    `INSERT INTO ingest_undo SELECT $1, $2, 'before', CAST(to_json(t) AS VARCHAR) FROM ${q(table.name)} t WHERE ${where}`,
    [loadId, table.name],
  );
}

export async function keepWritten(
  engine: Warehouse,
  loadId: number,
  table: Table,
  key: string[],
  rows: string,
): Promise<void> {
  await engine.run(
    `INSERT INTO ingest_undo SELECT DISTINCT $1, $2, 'written', ${keyJson('f', key)} FROM ${rows} f`,
    [loadId, table.name],
  );
}

export interface RollbackResult {
  loadId: number;
  /** Rows taken out: a fact's rows of the load, master data the load wrote. */
  removed: Record<string, number>;
  /** Rows put back as they were before the load. */
  restored: Record<string, number>;
}

async function count(engine: Warehouse, sql: string, params: (string | number)[]): Promise<number> {
  const [row] = await engine.write(sql, params);
  return Number(Object.values(row ?? {})[0] ?? 0);
}

/** The tables a load changed, and refuses when a later load changed one of them too (undo that first). */
async function touchedTables(engine: Warehouse, loadId: number): Promise<string[]> {
  const undone = await engine.write('SELECT DISTINCT table_name FROM ingest_undo WHERE load_id = $1', [
    loadId,
  ]);
  const touched = undone.map((r) => String(r.table_name));
  for (const table of touched) {
    const [later] = await engine.write(
      `SELECT max(u.load_id) AS load_id FROM ingest_undo u JOIN ingest_load l ON l.load_id = u.load_id
       WHERE u.table_name = $1 AND u.load_id > $2 AND l.status = 'ok'`,
      [table, loadId],
    );
    if (later?.load_id !== null && later?.load_id !== undefined) {
      throw new ZhongtaiError('CONFLICT', {
        en: `Load ${later.load_id} changed ${table} after load ${loadId}: roll back load ${later.load_id} first`,
        zh: `导入 ${later.load_id} 在导入 ${loadId} 之后修改了 ${table}，请先回滚导入 ${later.load_id}`,
      });
    }
  }
  return touched;
}

/**
 * Takes a load back out, in one transaction: its fact rows go, master data it wrote goes, and whatever
 * it overwrote or deleted comes back as it was.
 */
export async function rollbackLoad(engine: Warehouse, loadId: number): Promise<RollbackResult> {
  const [load] = await engine.write('SELECT status FROM ingest_load WHERE load_id = $1', [loadId]);
  if (!load)
    throw new ZhongtaiError('NOT_FOUND', {
      en: `No load ${loadId}; see zhongtai loads`,
      zh: `没有编号为 ${loadId} 的导入；请查看 zhongtai loads`,
    });
  if (load.status !== 'ok') {
    throw new ZhongtaiError('BAD_REQUEST', {
      en: `Load ${loadId} is ${load.status}: only a completed load can be rolled back`,
      zh: `导入 ${loadId} 状态为 ${load.status}，只有已完成的导入可以回滚`,
    });
  }
  return engine.transaction(async () => {
    const touched = await touchedTables(engine, loadId);
    const removed: Record<string, number> = {};
    const restored: Record<string, number> = {};
    const add = (into: Record<string, number>, table: string, n: number) => {
      if (n > 0) into[table] = (into[table] ?? 0) + n;
    };
    for (const table of TABLES.filter((t) => t.kind === 'fact')) {
      const n = await count(engine, `SELECT count(*) FROM ${q(table.name)} WHERE load_id = $1`, [loadId]);
      if (n > 0) await engine.run(`DELETE FROM ${q(table.name)} WHERE load_id = $1`, [loadId]);
      add(removed, table.name, n);
    }
    for (const name of touched) {
      const table = tableByName(name);
      const [written] = await engine.write(
        "SELECT row_json FROM ingest_undo WHERE load_id = $1 AND table_name = $2 AND kind = 'written' LIMIT 1",
        [loadId, name],
      );
      if (written) {
        const key = Object.keys(JSON.parse(String(written.row_json)));
        const match = `${keyJson(q(name), key)} IN (SELECT row_json FROM ingest_undo WHERE load_id = $1 AND table_name = $2 AND kind = 'written')`;
        add(
          removed,
          name,
          await count(engine, `SELECT count(*) FROM ${q(name)} WHERE ${match}`, [loadId, name]),
        );
        await engine.run(`DELETE FROM ${q(name)} WHERE ${match}`, [loadId, name]);
      }
      const structure = duckDbString(
        JSON.stringify(Object.fromEntries(table.columns.map((c) => [c.name, DUCKDB_TYPES[c.type]]))),
      );
      const columns = table.columns.map((c) => q(c.name));
      const n = await count(
        engine,
        "SELECT count(*) FROM ingest_undo WHERE load_id = $1 AND table_name = $2 AND kind = 'before'",
        [loadId, name],
      );
      // Rows the load wrote over were deleted above; rows it deleted are gone: either way they come back.
      await engine.run(
        `INSERT INTO ${q(name)} (${columns.join(', ')})
         SELECT ${table.columns.map((c) => `struct_extract(r, ${duckDbString(c.name)})`).join(', ')}
         FROM (SELECT json_transform(row_json, ${structure}) AS r FROM ingest_undo
               WHERE load_id = $1 AND table_name = $2 AND kind = 'before')`,
        [loadId, name],
      );
      add(restored, name, n);
    }
    // What came back may lie on any day: the rollups of these facts rebuild.
    for (const name of new Set([...Object.keys(removed), ...Object.keys(restored)]))
      if (tableByName(name).kind === 'fact') await noteChangedFact(engine, name);
    await engine.run("UPDATE ingest_load SET status = 'rolled_back' WHERE load_id = $1", [loadId]);
    return { loadId, removed, restored };
  });
}
