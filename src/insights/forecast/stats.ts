import type { StoreDays } from './frame.js';

/**
 * A series' own levels learnt from its history up to the forecast origin (the features' view of the past;
 * nothing after the origin is read, so the same levels serve training and forecasting).
 */
export interface SeriesStats {
  /** Mean of log(1 + sales) over open days with sales, per series (a store, or a store's category). */
  level: Map<number, number>;
  /** Per series, per weekday (0 = Monday): mean log sales minus the series' level. */
  weekday: Map<number, Float64Array>;
  /** Per series: mean log sales on promotion days minus on other days. */
  promoLift: Map<number, number>;
  /** Per series, per weekday × promotion state (weekday * 2 + promo): mean log sales minus the series' level. */
  weekdayPromo: Map<number, Float64Array>;
  /** The chain's level, for series with no history. */
  chainLevel: number;
}

export const weekdayOf = (day: number): number => (day + 3) % 7; // 1970-01-01 was a Thursday
export const sold = (days: StoreDays, i: number): boolean =>
  days.open[i] === 1 && (days.sales[i] as number) > 0 && !Number.isNaN(days.sales[i] as number);

export function seriesStats(days: StoreDays, until: number, since = Number.NEGATIVE_INFINITY): SeriesStats {
  const sums = new Map<number, { all: number[]; dow: number[][]; promo: number[][]; dowPromo: number[][] }>();
  for (let i = 0; i < days.length; i++) {
    const day = days.day[i] as number;
    if (day > until || day < since || !sold(days, i)) continue;
    const id = days.series[i] as number;
    let s = sums.get(id);
    if (!s) {
      s = {
        all: [0, 0],
        dow: Array.from({ length: 7 }, () => [0, 0]),
        promo: [
          [0, 0],
          [0, 0],
        ],
        dowPromo: Array.from({ length: 14 }, () => [0, 0]),
      };
      sums.set(id, s);
    }
    const v = Math.log1p(days.sales[i] as number);
    const add = (pair: number[]) => {
      pair[0] = (pair[0] as number) + v;
      pair[1] = (pair[1] as number) + 1;
    };
    add(s.all);
    add(s.dow[weekdayOf(day)] as number[]);
    add(s.promo[days.promo[i] as number] as number[]);
    add(s.dowPromo[weekdayOf(day) * 2 + (days.promo[i] as number)] as number[]);
  }
  const stats: SeriesStats = {
    level: new Map(),
    weekday: new Map(),
    promoLift: new Map(),
    weekdayPromo: new Map(),
    chainLevel: 0,
  };
  const mean = (pair: number[]) => (pair[1] ? (pair[0] as number) / (pair[1] as number) : Number.NaN);
  let chain = 0;
  for (const [id, s] of sums) {
    const level = mean(s.all);
    chain += level;
    stats.level.set(id, level);
    stats.weekday.set(id, Float64Array.from(s.dow.map((pair) => mean(pair) - level)));
    stats.weekdayPromo.set(id, Float64Array.from(s.dowPromo.map((pair) => mean(pair) - level)));
    const [off, on] = s.promo.map(mean) as [number, number];
    stats.promoLift.set(id, Number.isNaN(on) || Number.isNaN(off) ? Number.NaN : on - off);
  }
  stats.chainLevel = sums.size ? chain / sums.size : 0;
  return stats;
}
