import { availableParallelism } from 'node:os';
import type { BoostOptions } from '../gbt/index.js';
import { type Accuracy, accuracyOf } from './accuracy.js';
import type { History } from './frame.js';
import type { ModelName } from './models.js';
import { forecastAllOffThread } from './off-thread.js';

export interface BacktestFold {
  /** The last day the models may learn from; they forecast the `horizon` days after it. */
  origin: number;
  model: string;
  accuracy: Accuracy;
}

/** The rows with recorded sales in (origin, origin + horizon]. */
export function windowRows(history: History, origin: number, horizon: number): Int32Array {
  const rows: number[] = [];
  const { days } = history;
  for (let i = 0; i < days.length; i++) {
    const day = days.day[i] as number;
    if (day > origin && day <= origin + horizon && !Number.isNaN(days.sales[i] as number)) rows.push(i);
  }
  return Int32Array.from(rows);
}

/** A model as the backtest trains it (in a worker thread, so by name and settings). */
export interface BacktestModel {
  model: ModelName;
  boost?: Partial<BoostOptions>;
  members?: number;
}

/**
 * Rolling-origin backtest: each model forecasts each window from what was known at its origin, and is
 * scored against what was then sold. Windows and models train in worker threads, `parallel` at a time
 * (default: one per core); `onProgress` gets the share of the whole backtest done.
 */
export async function backtest(
  history: History,
  models: BacktestModel[],
  origins: number[],
  horizon: number,
  onProgress?: (share: number) => void,
  parallel = availableParallelism(),
): Promise<BacktestFold[]> {
  const rowsOf = new Map(origins.map((origin) => [origin, windowRows(history, origin, horizon)]));
  const jobs = origins.flatMap((origin) => models.map((model) => ({ origin, ...model })));
  const shares = new Float64Array(jobs.length);
  const forecasts = await forecastAllOffThread(
    jobs.map((job) => ({ ...job, history, horizon, targets: rowsOf.get(job.origin) as Int32Array })),
    parallel,
    (k, share) => {
      shares[k] = share;
      onProgress?.(shares.reduce((a, b) => a + b, 0) / jobs.length);
    },
  );
  return jobs.map((job, k) => {
    const rows = rowsOf.get(job.origin) as Int32Array;
    const actual = Float64Array.from(rows, (i) => history.days.sales[i] as number);
    return {
      origin: job.origin,
      model: job.model,
      accuracy: accuracyOf(actual, forecasts[k] as Float64Array),
    };
  });
}
