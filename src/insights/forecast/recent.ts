import type { StoreDays } from './frame.js';
import { type SeriesStats, sold, weekdayOf } from './stats.js';

/**
 * What a series' own sales said up to some days before each row ("the lag"): recent levels, the trend,
 * the last days like it, and how the season moved a year ago. A forecast row's lag reaches back to the
 * origin, so all of it is known when forecasting; a training row gets a lag a forecast may have.
 * Every level is relative to the series' level, so stores of any size share what the trees learn.
 */
export interface RecentLevels {
  /** Mean log sales over the 30 and 91 days before the lag. */
  recent30: Float64Array;
  recent91: Float64Array;
  /** Log sales on the same weekday a year before (364 days). */
  sameDayLastYear: Float64Array;
  /** How the four weeks around this day a year ago compared with the quarter before that year's lag. */
  seasonChange: Float64Array;
  /** Slope (per quarter) of the weekday- and promotion-adjusted log sales over the half-year before the lag. */
  trendSlope: Float64Array;
  /** That half-year line carried to the row's own day. */
  trendAtDay: Float64Array;
  /** Median log sales of the last 8 days with the row's weekday and promotion state before the lag. */
  likeDays: Float64Array;
}

const TREND_DAYS = 182;
/** Fewer sold days than this in the half-year: too few for a line. */
const TREND_MIN_DAYS = 60;
const LIKE_DAYS = 8;
const SEASON_HALF_WIDTH = 14;

/** Running sums over a series' calendar, so each window's mean and line cost O(1). */
class PrefixSums {
  private readonly count: Float64Array;
  private readonly t: Float64Array;
  private readonly tt: Float64Array;
  private readonly v: Float64Array;
  private readonly tv: Float64Array;

  constructor(values: Float64Array) {
    const span = values.length;
    this.count = new Float64Array(span + 1);
    this.t = new Float64Array(span + 1);
    this.tt = new Float64Array(span + 1);
    this.v = new Float64Array(span + 1);
    this.tv = new Float64Array(span + 1);
    for (let d = 0; d < span; d++) {
      const value = values[d] as number;
      const known = Number.isNaN(value) ? 0 : 1;
      this.count[d + 1] = (this.count[d] as number) + known;
      this.t[d + 1] = (this.t[d] as number) + known * d;
      this.tt[d + 1] = (this.tt[d] as number) + known * d * d;
      this.v[d + 1] = (this.v[d] as number) + (known ? value : 0);
      this.tv[d + 1] = (this.tv[d] as number) + (known ? d * value : 0);
    }
  }

  private window(from: number, to: number, sums: Float64Array): number {
    const span = this.count.length - 1;
    const a = Math.max(0, Math.min(span, from));
    const b = Math.max(0, Math.min(span, to));
    return (sums[b] as number) - (sums[a] as number);
  }

  /** Mean of the known values on days [from, to); NaN when none. */
  mean(from: number, to: number): number {
    const c = this.window(from, to, this.count);
    return c > 0 ? this.window(from, to, this.v) / c : Number.NaN;
  }

  /** Least-squares line through the known values on days [from, to): its slope and its value at `day`. */
  line(from: number, to: number, day: number): { slope: number; at: number } | undefined {
    const c = this.window(from, to, this.count);
    if (c < TREND_MIN_DAYS) return undefined;
    const t = this.window(from, to, this.t);
    const v = this.window(from, to, this.v);
    const slope = (c * this.window(from, to, this.tv) - t * v) / (c * this.window(from, to, this.tt) - t * t);
    return { slope, at: v / c + slope * (day - t / c) };
  }
}

const median = (sorted: number[]): number => {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[m] as number) : ((sorted[m - 1] as number) + (sorted[m] as number)) / 2;
};

/** Per weekday × promotion state: the series' sold days (ascending) and their log sales. */
function likeDaysIndex(days: StoreDays, start: number, end: number, first: number, logSales: Float64Array) {
  const index = Array.from({ length: 14 }, () => ({ days: [] as number[], values: [] as number[] }));
  for (let i = start; i < end; i++) {
    if (!sold(days, i)) continue;
    const d = (days.day[i] as number) - first;
    const entry = index[likeKey(days, i)] as { days: number[]; values: number[] };
    entry.days.push(d);
    entry.values.push(logSales[d] as number);
  }
  return index;
}

const likeKey = (days: StoreDays, i: number) =>
  weekdayOf(days.day[i] as number) * 2 + (days.promo[i] as number);

/** Index of the first entry of ascending `list` not below `value`. */
function lowerBound(list: number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function recentLevels(
  days: StoreDays,
  stats: SeriesStats,
  lagOf: (i: number) => number,
): RecentLevels {
  const n = days.length;
  const out: RecentLevels = {
    recent30: new Float64Array(n),
    recent91: new Float64Array(n),
    sameDayLastYear: new Float64Array(n),
    seasonChange: new Float64Array(n),
    trendSlope: new Float64Array(n),
    trendAtDay: new Float64Array(n),
    likeDays: new Float64Array(n),
  };
  for (let start = 0; start < n; ) {
    let end = start;
    while (end < n && days.series[end] === days.series[start]) end++;
    const series = days.series[start] as number;
    const level = stats.level.get(series) ?? stats.chainLevel;
    const weekdayEffect = stats.weekday.get(series);
    const promoLift = stats.promoLift.get(series);
    const first = days.day[start] as number;
    const span = (days.day[end - 1] as number) - first + 1;
    // By calendar day of the series (gaps and closed days unknown): log sales, and the same with the
    // weekday and promotion effects taken out, so the trend line is not bent by which days it spans.
    const logSales = new Float64Array(span).fill(Number.NaN);
    const adjusted = new Float64Array(span).fill(Number.NaN);
    for (let i = start; i < end; i++) {
      if (!sold(days, i)) continue;
      const d = (days.day[i] as number) - first;
      logSales[d] = Math.log1p(days.sales[i] as number);
      adjusted[d] =
        (logSales[d] as number) -
        (weekdayEffect?.[weekdayOf(days.day[i] as number)] ?? 0) -
        (promoLift === undefined || Number.isNaN(promoLift) ? 0 : promoLift * (days.promo[i] as number));
    }
    const plain = new PrefixSums(logSales);
    const trend = new PrefixSums(adjusted);
    const like = likeDaysIndex(days, start, end, first, logSales);
    for (let i = start; i < end; i++) {
      const d = (days.day[i] as number) - first;
      const windowEnd = d - lagOf(i) + 1; // exclusive: the last known day is windowEnd − 1
      out.recent30[i] = plain.mean(windowEnd - 30, windowEnd) - level;
      out.recent91[i] = plain.mean(windowEnd - 91, windowEnd) - level;
      const lastYear = d - 364;
      out.sameDayLastYear[i] = lastYear >= 0 ? (logSales[lastYear] as number) - level : Number.NaN;
      out.seasonChange[i] =
        plain.mean(lastYear - SEASON_HALF_WIDTH, lastYear + SEASON_HALF_WIDTH + 1) -
        plain.mean(windowEnd - 364 - 91, windowEnd - 364);
      const line = trend.line(windowEnd - TREND_DAYS, windowEnd, d);
      out.trendSlope[i] = line ? line.slope * 91 : Number.NaN;
      out.trendAtDay[i] = line ? line.at - level : Number.NaN;
      const entry = like[likeKey(days, i)] as { days: number[]; values: number[] };
      const upTo = lowerBound(entry.days, windowEnd);
      const last = entry.values.slice(Math.max(0, upTo - LIKE_DAYS), upTo).sort((a, b) => a - b);
      out.likeDays[i] = last.length ? median(last) - level : Number.NaN;
    }
    start = end;
  }
  return out;
}
