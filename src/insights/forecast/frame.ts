import type { Engine } from '../../warehouse/index.js';

/**
 * Store-days as typed columns: what was sold, and what was known about the day in advance (open or
 * closed, promotion, holidays). Read once from the warehouse; the features, models and backtests work on
 * these arrays. Days are counted from 1970-01-01 (UTC), so a date is an integer.
 */
export interface StoreDays {
  length: number;
  store: Int32Array;
  day: Int32Array;
  /** Net sales of the day; NaN where no sales were recorded (a future day, a gap in the export). */
  sales: Float64Array;
  open: Uint8Array;
  /** 1 when the store ran a promotion that day (store_day.promo), or a chain-wide promotion was on. */
  promo: Uint8Array;
  /** The store's own holiday mark (store_day.holiday, e.g. Rossmann's state holidays): 0 none, else a code. */
  holiday: Int32Array;
  schoolHoliday: Uint8Array;
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

export interface History {
  days: StoreDays;
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
    for (let j = i - 1; j >= 0 && days.store[j] === days.store[i] && known < 8; j--) {
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

/** Daily store sales from the finest source that holds them: sales lines when loaded, else store-day summaries. */
async function salesSource(engine: Engine): Promise<string> {
  const [lines] = await engine.query('SELECT EXISTS (SELECT 1 FROM sales_line) AS has');
  return lines?.has
    ? 'SELECT store_id, date, sum(net) AS sales FROM sales_line GROUP BY ALL'
    : 'SELECT store_id, date, sum(net_sales) AS sales FROM store_day_sales GROUP BY ALL';
}

/**
 * Every store-day from `from` to `to` that has sales or a store_day row (a plan for future days comes
 * as store_day rows: open, promotion, holidays); ordered by store and day. With `future`, every store
 * not closed by then also gets each day of that range; a day no plan covers counts as open when the
 * store opened on that weekday in most of the eight weeks before.
 */
export async function readHistory(
  engine: Engine,
  from: string,
  to: string,
  future?: { from: string; to: string },
): Promise<History> {
  const sales = await salesSource(engine);
  const futureKeys = future
    ? `UNION SELECT s.store_id, CAST(g.d AS DATE) FROM store s,
         generate_series(CAST($3 AS TIMESTAMP), CAST($4 AS TIMESTAMP), INTERVAL 1 DAY) g(d)
       WHERE s.close_date IS NULL OR s.close_date >= CAST($3 AS DATE)`
    : '';
  const rows = await engine.query(
    `WITH sales AS (${sales}),
     chain_promo AS (
       SELECT DISTINCT CAST(d AS DATE) AS date FROM promotion p,
         LATERAL generate_series(CAST(p.start_date AS TIMESTAMP), CAST(p.end_date AS TIMESTAMP), INTERVAL 1 DAY) g(d)
     ),
     keys AS (
       SELECT store_id, date FROM store_day WHERE date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)
       UNION SELECT store_id, date FROM sales WHERE date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)
       ${futureKeys}
     )
     SELECT k.store_id AS store, date_diff('day', DATE '1970-01-01', k.date) AS day, s.sales,
            coalesce(d.is_open, CASE WHEN s.sales IS NOT NULL THEN s.sales > 0 END) AS open,
            coalesce(d.promo, FALSE) OR cp.date IS NOT NULL AS promo,
            d.holiday, coalesce(d.school_holiday, FALSE) AS school_holiday
     FROM keys k
     LEFT JOIN sales s ON s.store_id = k.store_id AND s.date = k.date
     LEFT JOIN store_day d ON d.store_id = k.store_id AND d.date = k.date
     LEFT JOIN chain_promo cp ON cp.date = k.date
     ORDER BY 1, 2`,
    future ? [from, to, future.from, future.to] : [from, to],
  );
  const n = rows.length;
  const days: StoreDays = {
    length: n,
    store: new Int32Array(n),
    day: new Int32Array(n),
    sales: new Float64Array(n),
    open: new Uint8Array(n),
    promo: new Uint8Array(n),
    holiday: new Int32Array(n),
    schoolHoliday: new Uint8Array(n),
  };
  const holidayCodes: string[] = [''];
  rows.forEach((r, i) => {
    days.store[i] = Number(r.store);
    days.day[i] = Number(r.day);
    days.sales[i] = r.sales === null ? Number.NaN : Number(r.sales);
    days.open[i] = r.open === null ? UNKNOWN : r.open ? 1 : 0;
    days.promo[i] = r.promo ? 1 : 0;
    const holiday = r.holiday === null ? '' : String(r.holiday);
    let code = holidayCodes.indexOf(holiday);
    if (code < 0) code = holidayCodes.push(holiday) - 1;
    days.holiday[i] = code;
    days.schoolHoliday[i] = r.school_holiday ? 1 : 0;
  });
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
  return { days, calendar, stores, holidayCodes };
}
