import { TABLES, ZhongtaiError } from '../model/index.js';
import type { DuckDbEngine, Row } from '../warehouse/index.js';

export async function listLoads(engine: DuckDbEngine, limit = 50): Promise<Row[]> {
  return engine.query(
    `SELECT load_id, source, status, loaded, rejected, skipped, CAST(started_at AS VARCHAR) AS started_at,
            round(date_diff('millisecond', started_at, finished_at) / 1000.0, 2) AS seconds, files, file_hashes, message
     FROM ingest_load ORDER BY load_id DESC LIMIT $1`,
    [limit],
  );
}

export async function listRejects(
  engine: DuckDbEngine,
  options: { loadId?: number; limit?: number },
): Promise<Row[]> {
  const limit = options.limit ?? 100;
  return options.loadId === undefined
    ? engine.query(
        'SELECT load_id, file, line, field, reason, raw FROM ingest_reject ORDER BY load_id DESC, file, line LIMIT $1',
        [limit],
      )
    : engine.query(
        'SELECT load_id, file, line, field, reason, raw FROM ingest_reject WHERE load_id = $1 ORDER BY file, line LIMIT $2',
        [options.loadId, limit],
      );
}

export interface RollbackResult {
  loadId: number;
  removed: Record<string, number>;
}

/**
 * Takes a load's fact rows out again, in one transaction, and marks the load rolled back. Master data it
 * inserted or updated stays: dimensions keep no earlier versions yet.
 */
export async function rollbackLoad(engine: DuckDbEngine, loadId: number): Promise<RollbackResult> {
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
    const removed: Record<string, number> = {};
    for (const table of TABLES.filter((t) => t.kind === 'fact')) {
      const [row] = await engine.write(`SELECT count(*) AS n FROM "${table.name}" WHERE load_id = $1`, [
        loadId,
      ]);
      const n = Number(row?.n ?? 0);
      if (n === 0) continue;
      await engine.run(`DELETE FROM "${table.name}" WHERE load_id = $1`, [loadId]);
      removed[table.name] = n;
    }
    await engine.run("UPDATE ingest_load SET status = 'rolled_back' WHERE load_id = $1", [loadId]);
    return { loadId, removed };
  });
}
