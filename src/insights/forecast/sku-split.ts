import type { Warehouse } from '../../warehouse/index.js';
import { isoDay } from './frame.js';

/**
 * Store × SKU forecasts, top-down: each store × category forecast is split among the category's SKUs by
 * their share of the store's category sales over the weeks before the origin. A chain has tens of
 * thousands of store × SKU series, most selling a few units a day: too sparse for a tree model of their
 * own, while the category's shape (weekday, promotions, holidays, Spring Festival) carries over to its SKUs.
 */
export const SHARE_DAYS = 28;

export interface SkuShare {
  sku: number;
  share: number;
}

/** One forecast day of a store's category: the thing split. */
export interface CategoryDay {
  store: number;
  category: string;
  day: number;
  p50: number;
}

export interface SkuDay extends CategoryDay {
  sku: number;
}

const key = (store: number, category: string) => `${store}|${category}`;

/**
 * Per store × category: each SKU that sold there in the `SHARE_DAYS` days up to `origin` and its share of
 * those sales. A SKU unsold for four weeks gets no forecast (delisted, or out of stock for good).
 */
export async function skuShares(engine: Warehouse, origin: number): Promise<Map<string, SkuShare[]>> {
  const rows = await engine.query(
    `SELECT l.store_id, p.category_l1 AS category, l.sku, sum(l.net) AS sales
     FROM sales_line l JOIN product p ON p.sku = l.sku
     WHERE l.date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)
     GROUP BY ALL HAVING sum(l.net) > 0 ORDER BY 1, 2, 3`,
    [isoDay(origin - SHARE_DAYS + 1), isoDay(origin)],
  );
  const shares = new Map<string, SkuShare[]>();
  for (const r of rows) {
    const k = key(Number(r.store_id), String(r.category));
    const list = shares.get(k) ?? [];
    list.push({ sku: Number(r.sku), share: Number(r.sales) });
    shares.set(k, list);
  }
  for (const list of shares.values()) {
    const total = list.reduce((sum, s) => sum + s.share, 0);
    for (const s of list) s.share /= total;
  }
  return shares;
}

export function splitBySku(days: CategoryDay[], shares: Map<string, SkuShare[]>): SkuDay[] {
  const out: SkuDay[] = [];
  for (const d of days) {
    for (const s of shares.get(key(d.store, d.category)) ?? [])
      out.push({ ...d, sku: s.sku, p50: d.p50 * s.share });
  }
  return out;
}

/** Net sales per store, SKU and day between two days, keyed `store|sku|day`. */
export async function skuActuals(engine: Warehouse, from: number, to: number): Promise<Map<string, number>> {
  const rows = await engine.query(
    `SELECT store_id, sku, date_diff('day', DATE '1970-01-01', date) AS day, sum(net) AS sales
     FROM sales_line WHERE date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE) GROUP BY ALL`,
    [isoDay(from), isoDay(to)],
  );
  return new Map(rows.map((r) => [`${r.store_id}|${r.sku}|${r.day}`, Number(r.sales)]));
}

/** The spread of actual ÷ forecast for forecasts up to `upTo` (the last band has no upper bound). */
export interface Band {
  upTo: number;
  q10: number;
  q90: number;
}

const BANDS = 5;
const quantile = (sorted: number[], q: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number) : 1;

/**
 * Out-of-sample intervals by forecast size: a line forecast at ¥3 a day sells ¥0 on most days and ¥15 on
 * some, a line at ¥3,000 stays near its forecast; one spread for both would be wrong for each. The
 * validation forecasts are sorted into five bands of equal count; each band keeps the 10th and 90th
 * percentile of actual ÷ forecast.
 */
export function bandsOf(validation: { forecast: number; actual: number }[]): Band[] {
  const sorted = validation.filter((v) => v.forecast > 0).sort((a, b) => a.forecast - b.forecast);
  const bands: Band[] = [];
  for (let b = 0; b < BANDS; b++) {
    const part = sorted.slice(
      Math.floor((b * sorted.length) / BANDS),
      Math.floor(((b + 1) * sorted.length) / BANDS),
    );
    if (!part.length) continue;
    const ratios = part.map((v) => v.actual / v.forecast).sort((x, y) => x - y);
    bands.push({
      upTo:
        b === BANDS - 1 ? Number.POSITIVE_INFINITY : (part[part.length - 1] as { forecast: number }).forecast,
      q10: Math.min(1, quantile(ratios, 0.1)),
      q90: Math.max(1, quantile(ratios, 0.9)),
    });
  }
  return bands.length ? bands : [{ upTo: Number.POSITIVE_INFINITY, q10: 1, q90: 1 }];
}

export const bandOf = (bands: Band[], forecast: number): Band =>
  bands.find((b) => forecast <= b.upTo) ?? (bands[bands.length - 1] as Band);
