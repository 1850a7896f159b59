import { type Accuracy, accuracyOf } from './accuracy.js';
import type { History } from './frame.js';
import type { Forecaster } from './models.js';

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

/**
 * Rolling-origin backtest: each model forecasts each window from what was known at its origin, and is
 * scored against what was then sold.
 */
export function backtest(
  history: History,
  forecasters: Forecaster[],
  origins: number[],
  horizon: number,
  onStep?: (step: string, done: number, total: number) => void,
): BacktestFold[] {
  const folds: BacktestFold[] = [];
  const total = origins.length * forecasters.length;
  for (const origin of origins) {
    const rows = windowRows(history, origin, horizon);
    const actual = Float64Array.from(rows, (i) => history.days.sales[i] as number);
    for (const forecaster of forecasters) {
      onStep?.(forecaster.name, folds.length, total);
      const forecast = forecaster.forecast(history, origin, horizon, rows);
      folds.push({ origin, model: forecaster.name, accuracy: accuracyOf(actual, forecast) });
    }
  }
  onStep?.('done', total, total);
  return folds;
}
