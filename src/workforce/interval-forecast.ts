import { addDays } from '../model/index.js';

/**
 * Visitors or tickets per store and interval for the weeks ahead. Within a day, footfall keeps its shape week
 * after week; between weeks it drifts and is disturbed (a holiday, a storm, a sensor down). So each interval of a
 * coming day is the recent weeks' same weekday and interval, newest weighted most, with weeks that look unlike
 * the rest (below half or above one and a half times their median) left out. Backtested against seasonal naive
 * (the same interval of the last week seen) in `npm run bench -- traffic`.
 */
export interface IntervalForecastOptions {
  /** Weeks of history each interval looks back on. */
  weeks: number;
  /** Weight of each older week relative to the one after it. */
  decay: number;
}

export const INTERVAL_FORECAST: IntervalForecastOptions = { weeks: 6, decay: 0.8 };

/** Per date, the values of its intervals (NaN where none was counted). */
export type IntervalHistory = Map<string, number[]>;

/** The forecast for each of `dates` (after `origin`, the last day of history used), interval by interval. */
export function forecastIntervals(
  history: IntervalHistory,
  origin: string,
  dates: readonly string[],
  options: IntervalForecastOptions = INTERVAL_FORECAST,
): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const width = history.values().next().value?.length ?? 24;
  for (const date of dates) {
    // The same weekday in the weeks up to the origin: the newest first.
    const same: number[][] = [];
    let day = date;
    while (day > origin) day = addDays(day, -7);
    for (let k = 0; k < options.weeks; k += 1, day = addDays(day, -7)) {
      const values = history.get(day);
      if (values) same.push(values);
    }
    const row: number[] = [];
    for (let i = 0; i < width; i += 1) {
      const values = same.map((v) => v[i] as number);
      const seen = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
      if (seen.length === 0) {
        row.push(0);
        continue;
      }
      const median = seen[Math.floor((seen.length - 1) / 2)] as number;
      let sum = 0;
      let weights = 0;
      values.forEach((v, k) => {
        if (!Number.isFinite(v) || (median > 0 && (v < median * 0.5 || v > median * 1.5))) return;
        const w = options.decay ** k;
        sum += w * v;
        weights += w;
      });
      row.push(weights > 0 ? sum / weights : median);
    }
    out.set(date, row);
  }
  return out;
}

/** Seasonal naive: each interval as it was on the same weekday of the last week up to the origin. */
export function seasonalNaive(
  history: IntervalHistory,
  origin: string,
  dates: readonly string[],
): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const date of dates) {
    let day = date;
    while (day > origin) day = addDays(day, -7);
    out.set(
      date,
      (history.get(day) ?? []).map((v) => (Number.isFinite(v) ? v : 0)),
    );
  }
  return out;
}

/** Weighted absolute percentage error over every interval with an actual count: Σ|f − a| ÷ Σa. */
export function wape(actual: IntervalHistory, forecast: Map<string, number[]>): number {
  let error = 0;
  let total = 0;
  for (const [date, predicted] of forecast) {
    const seen = actual.get(date);
    if (!seen) continue;
    seen.forEach((a, i) => {
      if (!Number.isFinite(a)) return;
      error += Math.abs((predicted[i] ?? 0) - a);
      total += a;
    });
  }
  return total > 0 ? error / total : Number.NaN;
}
