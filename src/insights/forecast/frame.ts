import { ZhongtaiError } from '../../model/index.js';
import type { Warehouse } from '../../warehouse/index.js';

/**
 * Store-days as typed columns: what was sold, and what was known about the day in advance (open or
 * closed, promotion, holidays). Read once from the warehouse; the features, models and backtests work on
 * these arrays. Days are counted from 1970-01-01 (UTC), so a date is an integer.
 */
export interface StoreDays {
  length: number;
  /** What is forecast: a store, or a store's category (`History.series` says which). Rows run by series, then day. */
  series: Int32Array;
  store: Int32Array;
  day: Int32Array;
  /** Net sales of the day; NaN where no sales were recorded (a future day, a gap in the export). */
  sales: Float64Array;
  open: Uint8Array;
  /** 1 when the store ran a promotion that day (store_day.promo), or a chain-wide promotion was on. */
  promo: Uint8Array;
  /**
   * The deepest planned price cut of the chain's promotions on the day (promotion.discount_pct, 0.15 = 15% off)
   * for the series' category, or for any category at store level; 0 without one. A price change known ahead.
   */
  discount: Float64Array;
  /** The store's own holiday mark (store_day.holiday, e.g. Rossmann's state holidays): 0 none, else a code. */
  holiday: Int32Array;
  schoolHoliday: Uint8Array;
  /** The day's weather where the store's area has some loaded (weather_day); NaN where it has none. */
  weather?: DayWeather;
}

/** Daily weather beside each store-day: observed for the past, a weather service's forecast ahead. */
export interface DayWeather {
  tempMax: Float64Array;
  tempMean: Float64Array;
  precip: Float64Array;
  cloud: Float64Array;
  /** Bits of what the day brought: rain 1, snow 2, thunderstorm 4, fog 8. */
  events: Uint8Array;
}

/** Whether the day has any weather loaded (a day without stays NaN throughout). */
export const weatherKnown = (weather: DayWeather, i: number): boolean =>
  !Number.isNaN(weather.tempMean[i] as number) || !Number.isNaN(weather.precip[i] as number);

/** The events named in a weather source (English as in Rossmann's, or Chinese), as DayWeather.events bits. */
export function weatherEvents(text: string): number {
  return (
    (/rain|雨/i.test(text) ? 1 : 0) |
    (/snow|雪/i.test(text) ? 2 : 0) |
    (/thunder|雷/i.test(text) ? 4 : 0) |
    (/fog|雾/i.test(text) ? 8 : 0)
  );
}

export interface Calendar {
  /** By day number: mainland-China public holiday, make-up working day, days from Spring Festival. */
  isHoliday: Map<number, boolean>;
  isMakeupWorkday: Map<number, boolean>;
  springFestivalOffset: Map<number, number>;
}

export interface StoreInfo {
  format: string;
  openDay: number;
  attributes: Record<string, string>;
}

export type Level = 'store' | 'category';

export interface History {
  level: Level;
  days: StoreDays;
  /** Per series id: its store, and its category (level category). */
  series: Map<number, { store: number; category?: string }>;
  categories: string[];
  calendar: Calendar;
  stores: Map<number, StoreInfo>;
  holidayCodes: string[];
}

const DAY_MS = 86_400_000;
const UNKNOWN = 2;

/** A day without a plan is open when the store opened on that weekday in most of the eight weeks before. */
function settleOpenDays(days: StoreDays): void {
  for (let i = 0; i < days.length; i++) {
    if (days.open[i] !== UNKNOWN) continue;
    let open = 0;
    let known = 0;
    for (let j = i - 1; j >= 0 && days.series[j] === days.series[i] && known < 8; j--) {
      const back = (days.day[i] as number) - (days.day[j] as number);
      if (back % 7 !== 0 || days.open[j] === UNKNOWN) continue;
      known++;
      open += days.open[j] as number;
    }
    days.open[i] = known === 0 || open * 2 >= known ? 1 : 0;
  }
}
export const dayNumber = (iso: string): number => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
export const isoDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Daily sales from the finest source that holds them: sales lines when loaded, else store-day summaries. */
export async function salesSource(engine: Warehouse, level: Level): Promise<string> {
  const [lines] = await engine.query('SELECT EXISTS (SELECT 1 FROM sales_line) AS has');
  if (level === 'category') {
    if (!lines?.has)
      throw new ZhongtaiError('BAD_REQUEST', {
        en: 'Forecasting by category needs sales lines (this data holds store-day totals only): use --level store',
        zh: '按品类预测需要销售明细（当前数据只有门店日汇总），请使用 --level store',
      });
    return `SELECT l.store_id, p.category_l1 AS category, l.date, sum(l.net) AS sales
            FROM sales_line l JOIN product p ON p.sku = l.sku GROUP BY ALL`;
  }
  return lines?.has
    ? "SELECT store_id, '' AS category, date, sum(net) AS sales FROM sales_line GROUP BY ALL"
    : "SELECT store_id, '' AS category, date, sum(net_sales) AS sales FROM store_day_sales GROUP BY ALL";
}

/**
 * Every store-day (or store × category-day) from `from` to `to` that has sales or a store_day row (a plan
 * for future days comes as store_day rows: open, promotion, holidays); ordered by series and day. With
 * `future`, every series not closed by then also gets each day of that range; a day no plan covers counts
 * as open when the store opened on that weekday in most of the eight weeks before.
 */
export async function readHistory(
  engine: Warehouse,
  from: string,
  to: string,
  future?: { from: string; to: string },
  level: Level = 'store',
): Promise<History> {
  const sales = await salesSource(engine, level);
  // The series a store has: itself, or each category it sold in the window.
  const pairs = `SELECT DISTINCT store_id, category FROM sales WHERE date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)`;
  const futureKeys = future
    ? `UNION SELECT s.store_id, pr.category, CAST(g.d AS DATE) FROM store s JOIN (${pairs}) pr ON pr.store_id = s.store_id,
         generate_series(CAST($3 AS TIMESTAMP), CAST($4 AS TIMESTAMP), INTERVAL 1 DAY) g(d)
       WHERE s.close_date IS NULL OR s.close_date >= CAST($3 AS DATE)`
    : '';
  const sql = `WITH sales AS (${sales}),
     chain_promo AS (
       SELECT CAST(d AS DATE) AS date, p.category_l1 AS category, max(p.discount_pct) AS discount FROM promotion p,
         LATERAL generate_series(CAST(p.start_date AS TIMESTAMP), CAST(p.end_date AS TIMESTAMP), INTERVAL 1 DAY) g(d)
       GROUP BY ALL
     ),
     keys AS (
       SELECT d.store_id, pr.category, d.date FROM store_day d JOIN (${pairs}) pr ON pr.store_id = d.store_id
       WHERE d.date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)
       UNION SELECT store_id, category, date FROM sales WHERE date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)
       ${futureKeys}
     ),
     -- Where a store's weather comes from: the area its weather_area attribute names, else its city.
     store_area AS (
       SELECT s.store_id, coalesce(a.value, s.city) AS area FROM store s
       LEFT JOIN store_attribute a ON a.store_id = s.store_id AND a.name = 'weather_area'
     )
     SELECT k.store_id AS store, k.category, date_diff('day', DATE '1970-01-01', k.date) AS day, s.sales,
            coalesce(d.is_open, CASE WHEN s.sales IS NOT NULL THEN s.sales > 0 END) AS open,
            coalesce(d.promo, FALSE) OR EXISTS (
              SELECT 1 FROM chain_promo cp WHERE cp.date = k.date
                AND (cp.category IS NULL OR k.category = '' OR cp.category = k.category)) AS promo,
            coalesce((SELECT max(cp.discount) FROM chain_promo cp WHERE cp.date = k.date
                AND (cp.category IS NULL OR k.category = '' OR cp.category = k.category)), 0) AS discount,
            d.holiday, coalesce(d.school_holiday, FALSE) AS school_holiday,
            w.temp_max_c, w.temp_mean_c, w.precip_mm, w.cloud_cover, w.events
     FROM keys k
     LEFT JOIN sales s ON s.store_id = k.store_id AND s.category = k.category AND s.date = k.date
     LEFT JOIN store_day d ON d.store_id = k.store_id AND d.date = k.date
     LEFT JOIN store_area sa ON sa.store_id = k.store_id
     LEFT JOIN weather_day w ON w.area = sa.area AND w.date = k.date
     ORDER BY 1, 2, 3`;
  const params = future ? [from, to, future.from, future.to] : [from, to];
  // Read a batch at a time into plain arrays (a million row objects at once would hold a gigabyte).
  const read = {
    series: [] as number[],
    store: [] as number[],
    day: [] as number[],
    sales: [] as number[],
    open: [] as number[],
    promo: [] as number[],
    discount: [] as number[],
    holiday: [] as number[],
    schoolHoliday: [] as number[],
    tempMax: [] as number[],
    tempMean: [] as number[],
    precip: [] as number[],
    cloud: [] as number[],
    events: [] as number[],
  };
  const measure = (value: unknown) => (value === null || value === undefined ? Number.NaN : Number(value));
  const holidayCodes: string[] = [''];
  const series = new Map<number, { store: number; category?: string }>();
  const categories: string[] = [];
  let seriesKey = '';
  await engine.eachBatch(sql, params, (rows) => {
    for (const r of rows) {
      const store = Number(r.store);
      const category = String(r.category ?? '');
      if (`${store}|${category}` !== seriesKey) {
        seriesKey = `${store}|${category}`;
        // A store-level series is numbered by its store id, so its rows and output read naturally.
        const id = level === 'store' ? store : series.size + 1;
        series.set(id, level === 'store' ? { store } : { store, category });
        if (category && !categories.includes(category)) categories.push(category);
      }
      read.series.push(level === 'store' ? store : series.size);
      read.store.push(store);
      read.day.push(Number(r.day));
      read.sales.push(r.sales === null ? Number.NaN : Number(r.sales));
      read.open.push(r.open === null ? UNKNOWN : r.open ? 1 : 0);
      read.promo.push(r.promo ? 1 : 0);
      read.discount.push(Number(r.discount ?? 0));
      const holiday = r.holiday === null ? '' : String(r.holiday);
      let code = holidayCodes.indexOf(holiday);
      if (code < 0) code = holidayCodes.push(holiday) - 1;
      read.holiday.push(code);
      read.schoolHoliday.push(r.school_holiday ? 1 : 0);
      read.tempMax.push(measure(r.temp_max_c));
      read.tempMean.push(measure(r.temp_mean_c));
      read.precip.push(measure(r.precip_mm));
      read.cloud.push(measure(r.cloud_cover));
      read.events.push(r.events === null || r.events === undefined ? 0 : weatherEvents(String(r.events)));
    }
  });
  const n = read.day.length;
  const days: StoreDays = {
    length: n,
    series: Int32Array.from(read.series),
    store: Int32Array.from(read.store),
    day: Int32Array.from(read.day),
    sales: Float64Array.from(read.sales),
    open: Uint8Array.from(read.open),
    promo: Uint8Array.from(read.promo),
    discount: Float64Array.from(read.discount),
    holiday: Int32Array.from(read.holiday),
    schoolHoliday: Uint8Array.from(read.schoolHoliday),
  };
  const weather: DayWeather = {
    tempMax: Float64Array.from(read.tempMax),
    tempMean: Float64Array.from(read.tempMean),
    precip: Float64Array.from(read.precip),
    cloud: Float64Array.from(read.cloud),
    events: Uint8Array.from(read.events),
  };
  let weatherDays = 0;
  for (let i = 0; i < n; i++) if (weatherKnown(weather, i)) weatherDays++;
  // Weather is optional: without any, the forecast's features leave it out.
  if (weatherDays > 0) days.weather = weather;
  settleOpenDays(days);
  const calendar: Calendar = {
    isHoliday: new Map(),
    isMakeupWorkday: new Map(),
    springFestivalOffset: new Map(),
  };
  for (const r of await engine.query(
    `SELECT date_diff('day', DATE '1970-01-01', date) AS day, is_holiday, is_makeup_workday, spring_festival_offset FROM calendar`,
  )) {
    const day = Number(r.day);
    calendar.isHoliday.set(day, Boolean(r.is_holiday));
    calendar.isMakeupWorkday.set(day, Boolean(r.is_makeup_workday));
    calendar.springFestivalOffset.set(day, Number(r.spring_festival_offset));
  }
  const stores = new Map<number, StoreInfo>();
  for (const r of await engine.query(
    `SELECT store_id, format, date_diff('day', DATE '1970-01-01', open_date) AS open_day FROM store`,
  )) {
    stores.set(Number(r.store_id), { format: String(r.format), openDay: Number(r.open_day), attributes: {} });
  }
  for (const r of await engine.query('SELECT store_id, name, value FROM store_attribute')) {
    const store = stores.get(Number(r.store_id));
    if (store && r.value !== null) store.attributes[String(r.name)] = String(r.value);
  }
  return { level, days, series, categories: categories.sort(), calendar, stores, holidayCodes };
}
