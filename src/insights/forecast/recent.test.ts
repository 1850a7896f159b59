import { describe, expect, it } from 'vitest';
import type { StoreDays } from './frame.js';
import { recentLevels } from './recent.js';
import { seriesStats } from './stats.js';

/** One store, 400 days from Monday 2024-03-04, every day open, log sales rising by 0.001 a day from 5. */
const MONDAY = 19_786;
const N = 400;
const logSales = (d: number) => 5 + 0.001 * d;

function rising(): StoreDays {
  return {
    length: N,
    series: new Int32Array(N).fill(1),
    store: new Int32Array(N).fill(1),
    day: Int32Array.from({ length: N }, (_, d) => MONDAY + d),
    sales: Float64Array.from({ length: N }, (_, d) => Math.expm1(logSales(d))),
    open: new Uint8Array(N).fill(1),
    promo: new Uint8Array(N),
    holiday: new Int32Array(N),
    schoolHoliday: new Uint8Array(N),
    discount: new Float64Array(N),
  };
}

describe('recent levels of a series', () => {
  const days = rising();
  const stats = seriesStats(days, MONDAY + N - 1);
  const level = stats.level.get(1) as number;
  const recent = recentLevels(days, stats, () => 1);
  const last = N - 1;

  it('levels: the mean of the 30 and 91 days before the lag, relative to the series level', () => {
    // Day 399 at lag 1 reads days 369…398 (mean day 383.5) and 308…398 (mean day 353).
    expect(recent.recent30[last]).toBeCloseTo(logSales(383.5) - level, 10);
    expect(recent.recent91[last]).toBeCloseTo(logSales(353) - level, 10);
    expect(recent.sameDayLastYear[last]).toBeCloseTo(logSales(last - 364) - level, 10);
  });

  it('trend: the slope per quarter over the half-year before the lag, carried to the row’s day', () => {
    expect(recent.trendSlope[last]).toBeCloseTo(0.091, 3);
    expect(recent.trendAtDay[last]).toBeCloseTo(logSales(last) - level, 2);
    // Too few days for a line: the first rows have none.
    expect(recent.trendSlope[30]).toBeNaN();
  });

  it('like days: the median of the last 8 with the same weekday and promotion state before the lag', () => {
    // Day 399 is a Friday; the 8 Fridays before it are days 343…392, whose median is between 364 and 371.
    expect(recent.likeDays[last]).toBeCloseTo(logSales(367.5) - level, 10);
    // A lag of 8 days skips the last Friday: days 336…385.
    const later = recentLevels(days, stats, () => 8);
    expect(later.likeDays[last]).toBeCloseTo(logSales(360.5) - level, 10);
  });

  it('season: the four weeks around the day a year ago against the quarter before that year’s lag', () => {
    // Day 399: a year ago is day 35 (weeks 21…49, mean 35); the quarter before day 399 − 364 is days 0…34.
    expect(recent.seasonChange[last]).toBeCloseTo(logSales(35) - logSales(17), 10);
    // Nothing a year before the first year.
    expect(recent.seasonChange[300]).toBeNaN();
  });
});
