import { describe, expect, it } from 'vitest';
import { FEATURE_GROUPS, featuresOf, WEATHER_FEATURES } from './features.js';
import { type History, weatherEvents } from './frame.js';
import { seriesStats } from './stats.js';

/**
 * One store over 14 days from Monday 2024-03-04 (day 19786): closed on Sunday, and Wednesday to Friday of
 * the next week for a refit; a promotion on the first three days; its own holiday mark on the first Friday.
 */
const MONDAY = 19_786;
const CLOSED = new Set([6, 9, 10, 11]); // Sunday, then Wednesday–Friday of the next week (a refit)
const PROMO = new Set([0, 1, 2]);

function history(): History {
  const n = 14;
  const days = {
    length: n,
    series: new Int32Array(n).fill(7),
    store: new Int32Array(n).fill(7),
    day: Int32Array.from({ length: n }, (_, d) => MONDAY + d),
    sales: Float64Array.from({ length: n }, (_, d) => (CLOSED.has(d) ? 0 : 100 + d)),
    open: Uint8Array.from({ length: n }, (_, d) => (CLOSED.has(d) ? 0 : 1)),
    promo: Uint8Array.from({ length: n }, (_, d) => (PROMO.has(d) ? 1 : 0)),
    // Day 4 (Friday) carries the store's own holiday mark "a"; "0" elsewhere, as Rossmann exports say none.
    holiday: Int32Array.from({ length: n }, (_, d) => (d === 4 ? 2 : 1)),
    schoolHoliday: new Uint8Array(n),
    discount: new Float64Array(n),
  };
  return {
    level: 'store',
    days,
    series: new Map([[7, { store: 7 }]]),
    categories: [],
    calendar: { isHoliday: new Map(), isMakeupWorkday: new Map(), springFestivalOffset: new Map() },
    stores: new Map([[7, { format: 'supermarket', openDay: MONDAY - 400, attributes: {} }]]),
    holidayCodes: ['', '0', 'a'],
  };
}

describe('forecast features', () => {
  const h = history();
  const rows = Int32Array.from({ length: 14 }, (_, d) => d);
  const x = featuresOf(h, seriesStats(h.days, MONDAY + 13), rows, () => 1);
  const column = (name: string) => Array.from(x.columns[x.names.indexOf(name)] as Float64Array);

  it('counts days to and from closures, holidays and promotions, capped at 14', () => {
    expect(column('days_since_closed')).toEqual([14, 14, 14, 14, 14, 14, 0, 1, 2, 0, 0, 0, 1, 2]);
    expect(column('days_until_closed')).toEqual([6, 5, 4, 3, 2, 1, 0, 2, 1, 0, 0, 0, 14, 14]);
    expect(column('days_since_holiday')).toEqual([14, 14, 14, 14, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(column('days_until_holiday')).toEqual([4, 3, 2, 1, 0, 14, 14, 14, 14, 14, 14, 14, 14, 14]);
    expect(column('days_until_promo')).toEqual([0, 0, 0, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14]);
    expect(column('promo_day')).toEqual([1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('counts closed days in the week after and the week before each day', () => {
    expect(column('closed_days_next_week')).toEqual([1, 1, 2, 3, 4, 4, 3, 3, 3, 2, 1, 0, 0, 0]);
    expect(column('closed_days_last_week')).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 3, 4, 4]);
  });

  it('tells a Sunday from a refit: the length of the closure before and after each open day', () => {
    // Open Monday–Saturday, closed Sunday (1 day), open Monday–Tuesday, closed three days, open again.
    expect(column('closure_before_days')).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 3, 3]);
    expect(column('closure_after_days')).toEqual([1, 1, 1, 1, 1, 1, 0, 3, 3, 0, 0, 0, 0, 0]);
  });

  it('reads recent levels up to the lag before each row, never the row itself', () => {
    const lagged = featuresOf(h, seriesStats(h.days, MONDAY + 13), Int32Array.from([13]), () => 2);
    const level = seriesStats(h.days, MONDAY + 13).level.get(7) as number;
    // Day 13 at lag 2 reads days up to 11; sold days among them: 0–5, 7, 8.
    const sold = [0, 1, 2, 3, 4, 5, 7, 8].map((d) => Math.log1p(100 + d));
    const recent = lagged.columns[lagged.names.indexOf('recent_30_days')]?.[0] as number;
    expect(recent).toBeCloseTo(sold.reduce((a, b) => a + b, 0) / sold.length - level, 12);
    expect(lagged.columns[lagged.names.indexOf('days_ahead')]?.[0]).toBe(2);
  });

  it('gives each ensemble member the base features and only the groups it asks for', () => {
    const stats = seriesStats(h.days, MONDAY + 13);
    const base = featuresOf(h, stats, rows, () => 1).names;
    const recent = featuresOf(h, stats, rows, () => 1, ['recent_shape']).names;
    expect(base).not.toContain('trend_slope');
    expect(recent.filter((n) => !base.includes(n))).toEqual([...FEATURE_GROUPS.recent_shape]);
    expect(base.every((n) => recent.includes(n))).toBe(true);
  });

  it('adds the weather where it is loaded: as measured, warmth against the week before, events as flags', () => {
    expect(x.names.some((n) => n.startsWith('weather_'))).toBe(false);
    const withWeather = history();
    // 10 °C the first week, 20 °C the second; rain on day 8; day 12 has no weather at all.
    const tempMean = Float64Array.from({ length: 14 }, (_, d) => (d === 12 ? Number.NaN : d < 7 ? 10 : 20));
    withWeather.days.weather = {
      tempMax: tempMean.map((t) => t + 5),
      tempMean,
      precip: Float64Array.from({ length: 14 }, (_, d) => (d === 12 ? Number.NaN : d === 8 ? 12.5 : 0)),
      cloud: new Float64Array(14).fill(4),
      events: Uint8Array.from({ length: 14 }, (_, d) => weatherEvents(d === 8 ? 'Rain-Thunderstorm' : '')),
    };
    const w = featuresOf(withWeather, seriesStats(withWeather.days, MONDAY + 13), rows, () => 1);
    const col = (name: string) => Array.from(w.columns[w.names.indexOf(name)] as Float64Array);
    expect(w.names.filter((n) => n.startsWith('weather_'))).toEqual(WEATHER_FEATURES);
    // Day 7: 20 °C after seven days at 10; day 8: after six at 10 and one at 20; day 13: days 6–11 (12 has none).
    expect(col('weather_temp_vs_last_week').slice(6, 10)).toEqual([
      0,
      10,
      20 - (6 * 10 + 20) / 7,
      20 - (5 * 10 + 40) / 7,
    ]);
    expect(col('weather_temp_vs_last_week')[13]).toBeCloseTo(20 - (10 + 5 * 20) / 6, 12);
    expect(Number.isNaN(col('weather_temp_vs_last_week')[0] as number)).toBe(true);
    expect(col('weather_rain')[8]).toBe(1);
    expect(col('weather_thunderstorm')[8]).toBe(1);
    expect(col('weather_snow')[8]).toBe(0);
    expect(col('weather_rain')[7]).toBe(0);
    expect(Number.isNaN(col('weather_rain')[12] as number)).toBe(true);
    expect(col('weather_temp_max')[7]).toBe(25);
    expect(weatherEvents('雷阵雨')).toBe(1 | 4);
    expect(weatherEvents('Fog-Snow')).toBe(2 | 8);
  });

  it('takes the depth of a planned price cut where promotions carry one, and leaves it out where none do', () => {
    expect(x.names).not.toContain('promo_discount_pct');
    const priced = history();
    priced.days.discount = Float64Array.from({ length: 14 }, (_, d) => (PROMO.has(d) ? 0.15 : 0));
    const p = featuresOf(priced, seriesStats(priced.days, MONDAY + 13), rows, () => 1);
    expect(Array.from(p.columns[p.names.indexOf('promo_discount_pct')] as Float64Array).slice(0, 5)).toEqual([
      0.15, 0.15, 0.15, 0, 0,
    ]);
  });
});
