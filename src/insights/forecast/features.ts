import { type History, type StoreDays, weatherKnown } from './frame.js';
import { recentLevels } from './recent.js';
import { type SeriesStats, weekdayOf } from './stats.js';

/*
 * What a model may know about a store-day when it forecasts it: the calendar, the plan (open, promotion,
 * holidays), the store's attributes, and its own levels and recent sales up to the forecast origin.
 */

const CAP = 14;

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

/**
 * Per row: closed days in the week after it and in the week before it (a holiday closure moves shopping to
 * the days around it: the Wednesday before Ascension sells like a Saturday). Missing days count as open.
 */
function closedAround(days: StoreDays): [Float64Array, Float64Array] {
  const n = days.length;
  const next = new Float64Array(n);
  const last = new Float64Array(n);
  // Rows run by series, then day: the week around row i is a run of neighbouring rows.
  const near = (i: number, j: number) =>
    j >= 0 &&
    j < n &&
    days.series[j] === days.series[i] &&
    Math.abs((days.day[j] as number) - (days.day[i] as number)) <= 7;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; near(i, j); j++) if (!days.open[j]) next[i] = (next[i] as number) + 1;
    for (let j = i - 1; near(i, j); j--) if (!days.open[j]) last[i] = (last[i] as number) + 1;
  }
  return [next, last];
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
  const [sinceSchool, untilSchool] = distances(days, (i) => days.schoolHoliday[i] === 1);
  const [sinceTerm, untilTerm] = distances(days, (i) => days.schoolHoliday[i] === 0);
  const [closedBefore, closedAfter] = closureLengths(days);
  const [closedNextWeek, closedLastWeek] = closedAround(days);
  return {
    closedNextWeek,
    closedLastWeek,
    sinceClosed,
    untilClosed,
    promoDay,
    sinceHoliday,
    untilHoliday,
    sincePromo,
    untilPromo,
    closedBefore,
    closedAfter,
    sinceSchool,
    untilSchool,
    sinceTerm,
    untilTerm,
  };
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

/** Weather features, when weather is loaded (weather_day): empty names otherwise. */
export const WEATHER_FEATURES = [
  'weather_temp_max',
  'weather_temp_mean',
  'weather_temp_vs_last_week',
  'weather_precip_mm',
  'weather_cloud_cover',
  'weather_rain',
  'weather_snow',
  'weather_thunderstorm',
];

/**
 * The day's weather as features: as measured, and how much warmer the day is than the week before it (a
 * warm spell after a cold week sells otherwise than the same warmth in a warm month).
 */
function weatherFeatures(days: StoreDays): { names: string[]; value: (i: number) => number[] } {
  const weather = days.weather;
  if (!weather) return { names: [], value: () => [] };
  const vsLastWeek = new Float64Array(days.length).fill(Number.NaN);
  for (let i = 0; i < days.length; i++) {
    let sum = 0;
    let count = 0;
    for (let j = i - 1; j >= 0 && days.series[j] === days.series[i]; j--) {
      if ((days.day[i] as number) - (days.day[j] as number) > 7) break;
      const t = weather.tempMean[j] as number;
      if (!Number.isNaN(t)) {
        sum += t;
        count++;
      }
    }
    if (count > 0) vsLastWeek[i] = (weather.tempMean[i] as number) - sum / count;
  }
  return {
    names: WEATHER_FEATURES,
    value: (i) => {
      const events = weather.events[i] as number;
      // A day without weather has no events either (not "no rain").
      const flag = (bit: number) => (weatherKnown(weather, i) ? (events & bit ? 1 : 0) : Number.NaN);
      return [
        weather.tempMax[i] as number,
        weather.tempMean[i] as number,
        vsLastWeek[i] as number,
        weather.precip[i] as number,
        weather.cloud[i] as number,
        flag(1),
        flag(2),
        flag(4),
      ];
    },
  };
}

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
  'closed_days_next_week',
  'closed_days_last_week',
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

/**
 * Features beyond the base ones, in groups: the tree ensemble's members each see the base features and
 * some groups, so they err differently and their mean errs less (see models.ts).
 */
export const FEATURE_GROUPS = {
  /** Where a day sits in the school holidays, and the series' weekday × promotion effect. */
  school_and_promo: [
    'series_weekday_promo_effect',
    'days_since_school_holiday',
    'days_until_school_holiday',
    'days_since_school_term',
    'days_until_school_term',
  ],
  /** The shape of recent sales: trend, the last days like this one, last year's seasonal move. */
  recent_shape: ['season_change_last_year', 'trend_slope', 'trend_at_day', 'recent_like_days'],
} as const;
export type FeatureGroup = keyof typeof FEATURE_GROUPS;
export const ALL_GROUPS = Object.keys(FEATURE_GROUPS) as FeatureGroup[];

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
  groups: readonly FeatureGroup[] = [],
): FeatureMatrix {
  const { days, calendar } = history;
  const attributes = attributeFeatures(history);
  const weather = weatherFeatures(days);
  // Planned price cuts, where the chain's promotions say how deep they go (Rossmann's plan says only whether).
  const priced = days.discount.some((d) => d > 0);
  // A store × category series also knows its category, so categories share what they teach.
  const byCategory = history.level === 'category';
  const names = [
    ...BASE_FEATURES,
    ...Object.values(FEATURE_GROUPS).flat(),
    ...(byCategory ? ['category'] : []),
    ...attributes.names,
    ...weather.names,
    ...(priced ? ['promo_discount_pct'] : []),
  ];
  const columns = names.map(() => new Float64Array(rows.length));
  const run = runs(history);
  const recent = recentLevels(days, stats, lagOf);
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
      run.closedNextWeek[i] as number,
      run.closedLastWeek[i] as number,
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
      recent.recent30[i] as number,
      recent.recent91[i] as number,
      recent.sameDayLastYear[i] as number,
      stats.weekdayPromo.get(series)?.[weekday * 2 + (days.promo[i] as number)] ?? Number.NaN,
      run.sinceSchool[i] as number,
      run.untilSchool[i] as number,
      run.sinceTerm[i] as number,
      run.untilTerm[i] as number,
      recent.seasonChange[i] as number,
      recent.trendSlope[i] as number,
      recent.trendAtDay[i] as number,
      recent.likeDays[i] as number,
      ...(byCategory ? [history.categories.indexOf(category ?? '')] : []),
      ...attributes.value(store, day),
      ...weather.value(i),
      ...(priced ? [days.discount[i] as number] : []),
    ];
    values.forEach((v, f) => {
      (columns[f] as Float64Array)[k] = v;
    });
  });
  return withGroups({ names, columns }, groups);
}

/** The base features and those of `groups`, in the matrix's order (a member's view of one computed matrix). */
export function withGroups(matrix: FeatureMatrix, groups: readonly FeatureGroup[]): FeatureMatrix {
  const left = new Set<string>(
    Object.entries(FEATURE_GROUPS).flatMap(([group, members]) =>
      groups.includes(group as FeatureGroup) ? [] : [...members],
    ),
  );
  const keep = matrix.names.map((name) => !left.has(name));
  return {
    names: matrix.names.filter((_, f) => keep[f]),
    columns: matrix.columns.filter((_, f) => keep[f]),
  };
}
