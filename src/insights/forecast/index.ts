export { type ForecastRequest, forecastRequestSchema } from '../../contract/index.js';
export { type Accuracy, accuracyOf } from './accuracy.js';
export { type BacktestFold, type BacktestModel, backtest } from './backtest.js';
export { dayNumber, type History, isoDay, readHistory } from './frame.js';
export { ENSEMBLE, FORECAST_BOOST, type Forecaster, forecasterOf, MODELS, type ModelName } from './models.js';
export {
  checkSchedule,
  type LastDayAccuracy,
  lastDayAccuracy,
  nextScheduled,
} from './nightly.js';
export {
  type ForecastLevel,
  type ForecastOptions,
  type ForecastResult,
  type ForecastRow,
  forecastSales,
  LEVELS,
  lastSalesDay,
} from './run.js';
export { type ForecastRun, forecastRuns } from './runs.js';
