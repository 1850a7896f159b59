import { isoDate, parseIsoDate } from '../model/index.js';

/**
 * Known anomalies the demo can plant (`zhongtai demo --anomalies`), so the anomaly scan is measured against a
 * truth, not against what it happens to find: a store whose tills lose most walk-in buyers for three days (its
 * conversion collapses; sales and orders with it) and a region where one category sells below cost for three days
 * (the stores' gross margin drops). Both in the last fortnight, after everything else is generated.
 */
export interface PlantedAnomaly {
  kind: 'conversion_collapse' | 'category_margin_drop';
  storeIds: number[];
  from: string;
  to: string;
  /** The scan KPIs the event moves. */
  kpis: string[];
  region?: string;
  category?: string;
}

const DAY_MS = 86_400_000;
const back = (end: string, days: number) => isoDate(parseIsoDate(end) - days * DAY_MS);

/** The days of each planted event, counted back from the demo's last day. */
export function anomalyWindows(end: string): { conversion: [string, string]; margin: [string, string] } {
  return { conversion: [back(end, 10), back(end, 8)], margin: [back(end, 5), back(end, 3)] };
}

/** A supermarket trading through the whole window, chosen by the seed. */
export const conversionStore = (seed: number, start: string, end: string) => ({
  sql: `SELECT store_id, region FROM store
        WHERE format = 'supermarket' AND open_date <= $1::DATE AND (close_date IS NULL OR close_date > $2::DATE)
        ORDER BY hash(store_id + $3) LIMIT 1`,
  params: [start, end, seed],
});

/**
 * Another region's supermarkets and fresh stores trading through the window (two at least), chosen by the seed:
 * where 生鲜 is a large part of the till, a price error in it moves the store's margin (in a convenience store it
 * is a few percent of sales, and the same error hides in the day's noise).
 */
export const marginRegion = (seed: number, start: string, end: string, notRegion: string) => ({
  sql: `SELECT region, string_agg(store_id::VARCHAR, ',' ORDER BY store_id) AS store_ids FROM store
        WHERE open_date <= $1::DATE AND (close_date IS NULL OR close_date > $2::DATE) AND region <> $4
          AND format IN ('supermarket', 'fresh')
        GROUP BY region HAVING count(*) >= 2
        ORDER BY hash(region || $3::VARCHAR) LIMIT 1`,
  params: [start, end, seed, notRegion],
});

/**
 * Walk-ins lost at the tills: 70% of the store's in-store tickets of those days without a member vanish (members'
 * tickets carry points, coupons and wallet entries, so they stay whole), lines and tickets alike; footfall stays.
 */
export const loseWalkIns = (storeId: number, from: string, to: string, seed: number) => [
  {
    sql: `CREATE OR REPLACE TEMP TABLE _demo_lost AS
          SELECT order_id FROM orders
          WHERE store_id = $1 AND date BETWEEN $2::DATE AND $3::DATE AND member_id IS NULL
            AND channel IN (SELECT channel FROM channel WHERE in_store) AND hash(order_id + $4) % 100 < 70`,
    params: [storeId, from, to, seed],
  },
  { sql: 'DELETE FROM sales_line WHERE order_id IN (SELECT order_id FROM _demo_lost)', params: [] },
  { sql: 'DELETE FROM orders WHERE order_id IN (SELECT order_id FROM _demo_lost)', params: [] },
];

/**
 * A category sold below cost in a region's stores (a wrong price sent to the tills): on those days it sells at a
 * sixth under its cost, cost = 120% of what it sold for.
 */
export const sellBelowCost = (storeIds: number[], category: string, from: string, to: string) => ({
  sql: `UPDATE sales_line SET cost = round(net * 1.2, 2)
        WHERE date BETWEEN $1::DATE AND $2::DATE
          AND store_id IN (SELECT unnest(string_split($3, ','))::INTEGER)
          AND sku IN (SELECT sku FROM product WHERE category_l1 = $4) AND cost IS NOT NULL`,
  params: [from, to, storeIds.join(','), category],
});

export const MARGIN_CATEGORY = '生鲜';
