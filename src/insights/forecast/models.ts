import { ENSEMBLE_MEMBERS, FORECAST_MODELS } from '../../contract/index.js';
import { type BoostOptions, binMatrix, fitBinned, predictBooster } from '../gbt/index.js';
import { exponentialSmoothing } from './ets.js';
import { ALL_GROUPS, type FeatureGroup, featuresOf, withGroups } from './features.js';
import type { History } from './frame.js';
import { seriesStats, sold, weekdayOf } from './stats.js';

/**
 * A forecaster learns from the store-days up to the origin (inclusive) and gives the median forecast of
 * the target rows. A closed day sells nothing: every model forecasts zero for it.
 */
export interface Forecaster {
  name: string;
  label: { zh: string; en: string };
  /** `horizon`: how far past the origin the targets reach (features lagged by it stay known). */
  forecast(
    history: History,
    origin: number,
    horizon: number,
    targets: Int32Array,
    onProgress?: (share: number) => void,
  ): Float64Array;
}

/** Per series, weekday and promotion state: the sold values before the origin, oldest first. */
function recentBySeries(history: History, origin: number): Map<string, number[]> {
  const { days } = history;
  const byKey = new Map<string, number[]>();
  for (let i = 0; i < days.length; i++) {
    if ((days.day[i] as number) > origin || !sold(days, i)) continue;
    const key = `${days.series[i]}|${weekdayOf(days.day[i] as number)}|${days.promo[i]}`;
    const list = byKey.get(key) ?? [];
    list.push(days.sales[i] as number);
    byKey.set(key, list);
  }
  return byKey;
}

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

function fromHistory(history: History, targets: Int32Array, value: (i: number) => number): Float64Array {
  const out = new Float64Array(targets.length);
  targets.forEach((i, k) => {
    out[k] = history.days.open[i] ? value(i) : 0;
  });
  return out;
}

/** The last sold day of the same weekday (and promotion state, when there is one). */
export const seasonalNaive: Forecaster = {
  name: 'seasonal_naive',
  label: { zh: '季节性朴素（上周同日）', en: 'Seasonal naive (same weekday last week)' },
  forecast(history, origin, _horizon, targets) {
    const recent = recentBySeries(history, origin);
    const { days } = history;
    return fromHistory(history, targets, (i) => {
      const key = (promo: number) => `${days.series[i]}|${weekdayOf(days.day[i] as number)}|${promo}`;
      const list =
        recent.get(key(days.promo[i] as number)) ?? recent.get(key(1 - (days.promo[i] as number))) ?? [];
      return list[list.length - 1] ?? 0;
    });
  },
};

/** The median of the last eight sold days with the same weekday and promotion state (issue 6's plain baseline). */
export const medianOfEight: Forecaster = {
  name: 'median_8',
  label: { zh: '近8个同星期同促销日中位数', en: 'Median of last 8 same weekday & promo days' },
  forecast(history, origin, _horizon, targets) {
    const recent = recentBySeries(history, origin);
    const { days } = history;
    return fromHistory(history, targets, (i) => {
      const key = (promo: number) => `${days.series[i]}|${weekdayOf(days.day[i] as number)}|${promo}`;
      const list =
        recent.get(key(days.promo[i] as number)) ?? recent.get(key(1 - (days.promo[i] as number))) ?? [];
      return list.length ? median(list.slice(-8)) : 0;
    });
  },
};

/**
 * Settled on the Rossmann backtest windows (`npm run bench -- forecast`): Huber loss on log sales — a
 * store-day far off (a refit, a local event) pulls the trees less than under squared error, which lowered
 * RMSPE by about 0.003 on both windows — and, for the whole chain in minutes, GOSS (each tree sees the 20%
 * of rows the model fits worst and 10% of the rest) at learning rate 0.08 with 500 trees, where 800 at 0.04
 * on 80% of the rows took three times as long for the same accuracy (bench/README.md).
 */
export const FORECAST_BOOST: Partial<BoostOptions> = {
  rounds: 500,
  learningRate: 0.08,
  huberDelta: 0.2,
  goss: { top: 0.2, other: 0.1 },
};

/**
 * The ensemble's members: each sees the base features and some feature groups, so they err differently;
 * their mean (in log space) beat each of them on the backtest windows by 0.1–0.3 points of accuracy.
 */
export const ENSEMBLE: readonly (readonly FeatureGroup[])[] = [
  [],
  ['school_and_promo', 'recent_shape'],
  ['recent_shape'],
];
// The API's bound on `members` is the contract's number: a member added here must be counted there.
if (ENSEMBLE.length !== ENSEMBLE_MEMBERS) throw new Error('ENSEMBLE_MEMBERS differs from the ensemble');

/** How many members a request for `members` trains: 1 to the whole ensemble. */
export const ensembleSize = (members = ENSEMBLE.length): number =>
  Math.max(1, Math.min(ENSEMBLE.length, members));

/**
 * Gradient-boosted trees over all stores (a global model): they learn log sales relative to each store's
 * level from the calendar, the plan, the store's attributes and its recent sales, so stores share what
 * they teach. The first `members` of the ensemble are trained (1 for a quick forecast), or only member
 * `only` (so members train in workers side by side; their forecasts combine by geometric mean, which is
 * the mean in log space that one forecaster of all of them gives).
 */
export function boostedTrees(
  options: Partial<BoostOptions> = {},
  members = ENSEMBLE.length,
  only?: number,
): Forecaster {
  return {
    name: 'gbt',
    label: { zh: '梯度提升树（全局模型）', en: 'Gradient-boosted trees (global)' },
    forecast(history, origin, horizon, targets, onProgress) {
      const { days } = history;
      const stats = seriesStats(days, origin);
      const train: number[] = [];
      for (let i = 0; i < days.length; i++)
        if ((days.day[i] as number) <= origin && sold(days, i)) train.push(i);
      const trainRows = Int32Array.from(train);
      const levelOf = (i: number) => stats.level.get(days.series[i] as number) ?? stats.chainLevel;
      const y = Float64Array.from(train, (i) => Math.log1p(days.sales[i] as number) - levelOf(i));
      // Each training row gets a lag a forecast may have (1 … horizon days after its origin), spread evenly
      // by a hash of the row, so the model learns how far recent levels carry; a forecast row's lag is its
      // distance from the origin, so tomorrow reads the 30 days up to the origin, not a month that ended six
      // weeks before it.
      const trainLag = (m: number) => (i: number) =>
        1 + ((Math.imul(i + m * 7919, 2654435761) >>> 0) % horizon);
      const ahead = (i: number) => Math.max(1, (days.day[i] as number) - origin);
      const used =
        only === undefined
          ? ENSEMBLE.slice(0, ensembleSize(members))
          : [ENSEMBLE[only] as readonly FeatureGroup[]];
      const memberOf = (k: number) => only ?? k;
      // The forecast rows' features do not depend on the member (their lag is their distance from the
      // origin): computed once, each member reads its columns.
      const forecastFeatures = featuresOf(history, stats, targets, ahead, ALL_GROUPS);
      const meanLog = new Float64Array(targets.length);
      used.forEach((groups, m) => {
        // Binned at once: the raw columns (eight bytes a value) are let go before the trees grow.
        const x = featuresOf(history, stats, trainRows, trainLag(memberOf(m)), groups);
        const names = x.names;
        const matrix = binMatrix(x.columns);
        x.columns = [];
        const model = fitBinned(names, matrix, y, {
          ...FORECAST_BOOST,
          seed: 1 + memberOf(m),
          ...options,
          onRound: (round, rounds) => onProgress?.((m + round / rounds) / used.length),
        });
        const predicted = predictBooster(model, withGroups(forecastFeatures, groups).columns);
        predicted.forEach((value, k) => {
          meanLog[k] = (meanLog[k] as number) + value / used.length;
        });
      });
      const out = new Float64Array(targets.length);
      targets.forEach((i, k) => {
        out[k] = days.open[i] ? Math.max(0, Math.expm1((meanLog[k] as number) + levelOf(i))) : 0;
      });
      return out;
    },
  };
}

export const MODELS = FORECAST_MODELS;
export type ModelName = (typeof MODELS)[number];

export function forecasterOf(
  name: ModelName,
  options: Partial<BoostOptions> = {},
  members = ENSEMBLE.length,
  only?: number,
): Forecaster {
  if (name === 'gbt') return boostedTrees(options, members, only);
  if (name === 'ets') return exponentialSmoothing;
  return name === 'median_8' ? medianOfEight : seasonalNaive;
}
