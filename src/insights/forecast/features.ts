import type { History, StoreDays } from './frame.js';

/**
 * What a model may know about a store-day when it forecasts it: the calendar, the plan (open, promotion,
 * holidays), and the store's own levels learnt from history up to the forecast origin. Nothing here
 * reads sales after the origin, so the same features serve training and forecasting.
 */
export interface SeriesStats {
  /** Mean of log(1 + sales) over open days with sales, per series (a store, or a store's category). */
  level: Map<number, number>;
  /** Per series, per weekday (0 = Monday): mean log sales minus the series' level. */
  weekday: Map<number, Float64Array>;
  /** Per series: mean log sales on promotion days minus on other days. */
  promoLift: Map<number, number>;
  /** The chain's level, for series with no history. */
  chainLevel: number;
}

const CAP = 14;
export const weekdayOf = (day: number): number => (day + 3) % 7; // 1970-01-01 was a Thursday
export const sold = (days: StoreDays, i: number): boolean =>
  days.open[i] === 1 && (days.sales[i] as number) > 0 && !Number.isNaN(days.sales[i] as number);

export function seriesStats(days: StoreDays, until: number, since = Number.NEGATIVE_INFINITY): SeriesStats {
  const sums = new Map<number, { all: number[]; dow: number[][]; promo: number[][] }>();
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
  }
  const stats: SeriesStats = { level: new Map(), weekday: new Map(), promoLift: new Map(), chainLevel: 0 };
  const mean = (pair: number[]) => (pair[1] ? (pair[0] as number) / (pair[1] as number) : Number.NaN);
  let chain = 0;
  for (const [id, s] of sums) {
    const level = mean(s.all);
    chain += level;
    stats.level.set(id, level);
    stats.weekday.set(id, Float64Array.from(s.dow.map((pair) => mean(pair) - level)));
    const [off, on] = s.promo.map(mean) as [number, number];
    stats.promoLift.set(id, Number.isNaN(on) || Number.isNaN(off) ? Number.NaN : on - off);
  }
  stats.chainLevel = sums.size ? chain / sums.size : 0;
  return stats;
}

/** Whether row i directly follows row i − 1 in the same series (no missing day between them). */
const follows = (days: StoreDays, i: number): boolean =>
  i > 0 &&
  days.series[i - 1] === days.series[i] &&
  (days.day[i] as number) - (days.day[i - 1] as number) === 1;

/**
 * Per row: days since the last row where `event` holds and until the next one (0 on such a row), capped;
 * a gap of missing days resets the count to "long ago".
 */
function distances(days: StoreDays, event: (i: number) => boolean, cap = CAP): [Float64Array, Float64Array] {
  const n = days.length;
  const since = new Float64Array(n);
  const until = new Float64Array(n);
  for (let i = 0; i < n; i++)
    since[i] = event(i) ? 0 : follows(days, i) ? Math.min(cap, (since[i - 1] as number) + 1) : cap;
  for (let i = n - 1; i >= 0; i--)
    until[i] = event(i)
      ? 0
      : i < n - 1 && follows(days, i + 1)
        ? Math.min(cap, (until[i + 1] as number) + 1)
        : cap;
  return [since, until];
}

/**
 * Per row: the length of the closure before the current open run and of the one after it (a Sunday is 1,
 * a refit months; shoppers come back after a long one), capped at 60; 0 where unknown.
 */
function closureLengths(days: StoreDays): [Float64Array, Float64Array] {
  const n = days.length;
  const runLength = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let end = i;
    while (end + 1 < n && follows(days, end + 1) && days.open[end + 1] === days.open[i]) end++;
    for (let k = i; k <= end; k++) runLength[k] = Math.min(60, end - i + 1);
    i = end + 1;
  }
  const before = new Float64Array(n);
  const after = new Float64Array(n);
  for (let i = 1; i < n; i++)
    if (days.open[i] && follows(days, i))
      before[i] = days.open[i - 1] ? (before[i - 1] as number) : (runLength[i - 1] as number);
  for (let i = n - 2; i >= 0; i--)
    if (days.open[i] && follows(days, i + 1))
      after[i] = days.open[i + 1] ? (after[i + 1] as number) : (runLength[i + 1] as number);
  return [before, after];
}

/** Per row: when the store last closed and next closes, holidays and promotions around it, the day of a promotion run. */
function runs(history: History) {
  const { days, calendar } = history;
  const n = days.length;
  const promoDay = new Float64Array(n);
  for (let i = 0; i < n; i++)
    promoDay[i] = days.promo[i]
      ? follows(days, i) && days.promo[i - 1]
        ? (promoDay[i - 1] as number) + 1
        : 1
      : 0;
  // A holiday: the store's own mark (Rossmann's state holidays; "0" means none) or a mainland-China one.
  const noHoliday = new Set([history.holidayCodes.indexOf(''), history.holidayCodes.indexOf('0')]);
  const holiday = (i: number) =>
    !noHoliday.has(days.holiday[i] as number) || calendar.isHoliday.get(days.day[i] as number) === true;
  const [sinceClosed, untilClosed] = distances(days, (i) => !days.open[i]);
  const [sinceHoliday, untilHoliday] = distances(days, holiday);
  const [sincePromo, untilPromo] = distances(days, (i) => days.promo[i] === 1);
  const [closedBefore, closedAfter] = closureLengths(days);
  return {
    sinceClosed,
    untilClosed,
    promoDay,
    sinceHoliday,
    untilHoliday,
    sincePromo,
    untilPromo,
    closedBefore,
    closedAfter,
  };
}

/**
 * Per row: the series' mean log sales over the 30 and 91 days ending `lagOf(row)` days before the row, and
 * on the same weekday a year before (364 days), each relative to the series' level. A forecast row's lag
 * reaches back to the origin, so these are known when forecasting.
 */
function lagged(days: StoreDays, stats: SeriesStats, lagOf: (i: number) => number): Float64Array[] {
  const n = days.length;
  const out = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  let start = 0;
  while (start < n) {
    let end = start;
    while (end < n && days.series[end] === days.series[start]) end++;
    const first = days.day[start] as number;
    const span = (days.day[end - 1] as number) - first + 1;
    // Prefix sums over the series' calendar (gaps count as no sale).
    const sum = new Float64Array(span + 1);
    const count = new Float64Array(span + 1);
    const value = new Float64Array(span).fill(Number.NaN);
    for (let i = start; i < end; i++) {
      if (sold(days, i)) value[(days.day[i] as number) - first] = Math.log1p(days.sales[i] as number);
    }
    for (let d = 0; d < span; d++) {
      const v = value[d] as number;
      sum[d + 1] = (sum[d] as number) + (Number.isNaN(v) ? 0 : v);
      count[d + 1] = (count[d] as number) + (Number.isNaN(v) ? 0 : 1);
    }
    const level = stats.level.get(days.series[start] as number) ?? stats.chainLevel;
    const mean = (from: number, to: number) => {
      const a = Math.max(0, from);
      const b = Math.max(0, Math.min(span, to));
      const c = (count[b] as number) - (count[a] as number);
      return c > 0 ? ((sum[b] as number) - (sum[a] as number)) / c - level : Number.NaN;
    };
    for (let i = start; i < end; i++) {
      const d = (days.day[i] as number) - first;
      const windowEnd = d - lagOf(i) + 1;
      (out[0] as Float64Array)[i] = mean(windowEnd - 30, windowEnd);
      (out[1] as Float64Array)[i] = mean(windowEnd - 91, windowEnd);
      const lastYear = d - 364;
      (out[2] as Float64Array)[i] = lastYear >= 0 ? (value[lastYear] as number) - level : Number.NaN;
    }
    start = end;
  }
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sept', 'Oct', 'Nov', 'Dec'];

/** Store attributes as numbers: numeric ones as they are, text ones as codes; plus competition and Promo2 timing. */
function attributeFeatures(history: History): {
  names: string[];
  value: (store: number, day: number) => number[];
} {
  const names = [...new Set([...history.stores.values()].flatMap((s) => Object.keys(s.attributes)))].sort();
  const numeric = names.map((name) =>
    [...history.stores.values()].every(
      (s) => s.attributes[name] === undefined || Number.isFinite(Number(s.attributes[name])),
    ),
  );
  const codes = names.map(() => new Map<string, number>());
  const has = (name: string) => names.includes(name);
  const rossmann = has('competition_open_since_year') && has('promo2');
  const derived = rossmann ? ['competition_months', 'promo2_active', 'promo2_weeks'] : [];
  return {
    names: [...names.map((n) => `attr_${n}`), ...derived],
    value(store, day) {
      const attrs = history.stores.get(store)?.attributes ?? {};
      const out = names.map((name, k) => {
        const raw = attrs[name];
        if (raw === undefined) return Number.NaN;
        if (numeric[k]) return Number(raw);
        const map = codes[k] as Map<string, number>;
        if (!map.has(raw)) map.set(raw, map.size + 1);
        return map.get(raw) as number;
      });
      if (rossmann) {
        const date = new Date(day * 86_400_000);
        const year = date.getUTCFullYear();
        const month = date.getUTCMonth() + 1;
        const cy = Number(attrs.competition_open_since_year);
        const cm = Number(attrs.competition_open_since_month);
        out.push(Number.isFinite(cy) && Number.isFinite(cm) ? (year - cy) * 12 + (month - cm) : Number.NaN);
        const py = Number(attrs.promo2_since_year);
        const pw = Number(attrs.promo2_since_week);
        const weeks =
          Number.isFinite(py) && Number.isFinite(pw)
            ? (year - py) * 52 + (Math.floor((day - dayOfYearStart(year)) / 7) + 1 - pw)
            : Number.NaN;
        const inInterval = (attrs.promo_interval ?? '').split(',').includes(MONTHS[month - 1] as string);
        out.push(attrs.promo2 === '1' && weeks >= 0 && inInterval ? 1 : 0);
        out.push(attrs.promo2 === '1' ? weeks : Number.NaN);
      }
      return out;
    },
  };
}

const dayOfYearStart = (year: number) => Math.round(Date.UTC(year, 0, 1) / 86_400_000);

export const BASE_FEATURES = [
  'weekday',
  'day_of_month',
  'month',
  'week_of_year',
  'day_of_year',
  'year',
  'promo',
  'promo_day',
  'holiday',
  'school_holiday',
  'days_since_closed',
  'days_until_closed',
  'closure_before_days',
  'closure_after_days',
  'days_since_holiday',
  'days_until_holiday',
  'days_since_promo',
  'days_until_promo',
  'cn_holiday',
  'cn_makeup_workday',
  'spring_festival_offset',
  'series_level',
  'series_weekday_effect',
  'series_promo_lift',
  'store',
  'format',
  'store_age_days',
  'days_ahead',
  'recent_30_days',
  'recent_91_days',
  'same_day_last_year',
];

export interface FeatureMatrix {
  names: string[];
  /** Column-major: columns[feature][k] for the k-th selected row. */
  columns: Float64Array[];
}

/**
 * Features of the rows `rows` (indexes into history.days), given series levels learnt up to the origin.
 * `lagOf(row)`: how many days before the row its recent levels end — for a forecast, its days after the
 * origin; for a training row, any lag a forecast may have (so the model learns how fresh levels age).
 */
export function featuresOf(
  history: History,
  stats: SeriesStats,
  rows: Int32Array,
  lagOf: (i: number) => number,
): FeatureMatrix {
  const { days, calendar } = history;
  const attributes = attributeFeatures(history);
  // A store × category series also knows its category, so categories share what they teach.
  const byCategory = history.level === 'category';
  const names = [...BASE_FEATURES, ...(byCategory ? ['category'] : []), ...attributes.names];
  const columns = names.map(() => new Float64Array(rows.length));
  const run = runs(history);
  const [recent30, recent91, lastYear] = lagged(days, stats, lagOf) as [
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const formats = [...new Set([...history.stores.values()].map((s) => s.format))].sort();
  rows.forEach((i, k) => {
    const day = days.day[i] as number;
    const store = days.store[i] as number;
    const series = days.series[i] as number;
    const category = history.series.get(series)?.category;
    const date = new Date(day * 86_400_000);
    const year = date.getUTCFullYear();
    const dayOfYear = day - dayOfYearStart(year);
    const weekday = weekdayOf(day);
    const info = history.stores.get(store);
    const values = [
      weekday,
      date.getUTCDate(),
      date.getUTCMonth() + 1,
      Math.floor(dayOfYear / 7),
      dayOfYear,
      year,
      days.promo[i] as number,
      run.promoDay[i] as number,
      days.holiday[i] as number,
      days.schoolHoliday[i] as number,
      run.sinceClosed[i] as number,
      run.untilClosed[i] as number,
      run.closedBefore[i] as number,
      run.closedAfter[i] as number,
      run.sinceHoliday[i] as number,
      run.untilHoliday[i] as number,
      run.sincePromo[i] as number,
      run.untilPromo[i] as number,
      calendar.isHoliday.get(day) ? 1 : 0,
      calendar.isMakeupWorkday.get(day) ? 1 : 0,
      Math.max(-60, Math.min(60, calendar.springFestivalOffset.get(day) ?? 60)),
      stats.level.get(series) ?? stats.chainLevel,
      stats.weekday.get(series)?.[weekday] ?? Number.NaN,
      stats.promoLift.get(series) ?? Number.NaN,
      store,
      info ? formats.indexOf(info.format) : Number.NaN,
      info ? day - info.openDay : Number.NaN,
      lagOf(i),
      recent30[i] as number,
      recent91[i] as number,
      lastYear[i] as number,
      ...(byCategory ? [history.categories.indexOf(category ?? '')] : []),
      ...attributes.value(store, day),
    ];
    values.forEach((v, f) => {
      (columns[f] as Float64Array)[k] = v;
    });
  });
  return { names, columns };
}
