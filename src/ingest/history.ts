import type { Row, Warehouse } from '../warehouse/index.js';

export async function listLoads(engine: Warehouse, limit = 50): Promise<Row[]> {
  return engine.query(
    `SELECT load_id, source, status, loaded, rejected, skipped, CAST(started_at AS VARCHAR) AS started_at,
            round(date_diff('millisecond', started_at, finished_at) / 1000.0, 2) AS seconds, files, file_hashes, message
     FROM ingest_load ORDER BY load_id DESC LIMIT $1`,
    [limit],
  );
}

export async function listRejects(
  engine: Warehouse,
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
