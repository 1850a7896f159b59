import type { Warehouse } from '../warehouse/index.js';

/** What a live source did last: its mark, rows so far, last run and success, last error (null once it recovers). */
export async function recordSourceState(
  engine: Warehouse,
  source: string,
  kind: string,
  fields: { watermark?: string; rows?: number; error?: string | null },
) {
  await engine.run(
    `INSERT INTO ingest_source_state (source, kind, watermark, rows_total, last_run, last_success, last_error)
     VALUES ($1, $2, $3, $4, now()::TIMESTAMP, CASE WHEN $5 IS NULL THEN now()::TIMESTAMP END, $5)
     ON CONFLICT (source) DO UPDATE SET kind = excluded.kind, watermark = coalesce(excluded.watermark, ingest_source_state.watermark),
       rows_total = ingest_source_state.rows_total + excluded.rows_total, last_run = excluded.last_run,
       last_success = coalesce(excluded.last_success, ingest_source_state.last_success), last_error = excluded.last_error`,
    [source, kind, fields.watermark ?? null, fields.rows ?? 0, fields.error ?? null],
  );
}

export async function listSources(engine: Warehouse) {
  return engine.query(
    `SELECT source, kind, watermark, rows_total, CAST(last_run AS VARCHAR) AS last_run, CAST(last_success AS VARCHAR) AS last_success,
            round(date_diff('second', last_success, now()::TIMESTAMP) / 60.0, 1) AS minutes_since_success, last_error
     FROM ingest_source_state ORDER BY source`,
  );
}
