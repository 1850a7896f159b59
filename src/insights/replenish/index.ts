export { type ReplenishRequest, replenishRequestSchema } from '../../contract/index.js';
export {
  DEFAULT_POLICY,
  forecastDemand,
  normalQuantile,
  orderByForecast,
  orderNaive,
  type PolicyOptions,
} from './policy.js';
export { readSeries, type Series, type SeriesSet } from './series.js';
export { type SimulationResult, simulateReplenishment } from './simulate.js';
export { type Suggestion, suggestOrders } from './suggest.js';
