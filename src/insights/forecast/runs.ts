import type { ForecastRun } from '../../contract/index.js';
import type { Warehouse } from '../../warehouse/index.js';

export type { ForecastRun } from '../../contract/index.js';

/** The forecast runs kept in the warehouse, newest first. */
export async function forecastRuns(engine: Warehouse, limit = 50): Promise<ForecastRun[]> {
  const rows = await engine.query(
    `SELECT run_id, CAST(created_at AS VARCHAR) AS created_at, level, model, CAST(origin AS VARCHAR) AS origin,
            horizon, series, seconds
     FROM forecast_run ORDER BY run_id DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    runId: Number(r.run_id),
    createdAt: String(r.created_at),
    level: String(r.level),
    model: String(r.model),
    origin: String(r.origin),
    horizon: Number(r.horizon),
    series: Number(r.series),
    seconds: Number(r.seconds),
  }));
}
