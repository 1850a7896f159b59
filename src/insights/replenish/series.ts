import type { Warehouse } from '../../warehouse/index.js';
import { dayNumber, isoDay } from '../forecast/index.js';

/**
 * Daily units sold per store × SKU (returns left out: they are not demand), as dense arrays over a
 * window of days, with what replenishment needs of the product: pack size, shelf life, price and cost.
 */
export interface Series {
  store: number;
  sku: number;
  packSize: number;
  /** Days a unit stays sellable; null for goods that keep. */
  shelfLife: number | null;
  price: number;
  cost: number;
  /** units[d] = units sold on day `first + d`. */
  units: Float64Array;
}

export interface SeriesSet {
  first: number;
  days: number;
  series: Series[];
}

export interface SeriesOptions {
  from: string;
  to: string;
  /** Keep every n-th series (by store, then SKU) so a simulation stays bounded on a large chain. */
  every?: number;
  stores?: number[];
}

export async function readSeries(engine: Warehouse, options: SeriesOptions): Promise<SeriesSet> {
  const first = dayNumber(options.from);
  const days = dayNumber(options.to) - first + 1;
  const storeFilter = options.stores?.length
    ? `AND l.store_id IN (${options.stores.map(Number).join(', ')})`
    : '';
  const rows = await engine.query(
    `WITH picked AS (
       SELECT store_id, sku FROM (
         SELECT store_id, sku, row_number() OVER (ORDER BY store_id, sku) AS n
         FROM (SELECT DISTINCT store_id, sku FROM sales_line l
               WHERE date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE) AND qty > 0 ${storeFilter}))
       WHERE (n - 1) % $3 = 0)
     SELECT l.store_id, l.sku, date_diff('day', CAST($1 AS DATE), l.date) AS d, sum(l.qty) AS units,
            any_value(p.pack_size) AS pack, any_value(p.shelf_life_days) AS shelf,
            any_value(p.list_price) AS price, any_value(p.unit_cost) AS cost
     FROM sales_line l JOIN picked USING (store_id, sku) JOIN product p ON p.sku = l.sku
     WHERE l.date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE) AND l.qty > 0
     GROUP BY l.store_id, l.sku, l.date ORDER BY 1, 2, 3`,
    [options.from, options.to, Math.max(1, options.every ?? 1)],
  );
  const series: Series[] = [];
  let current: Series | undefined;
  for (const r of rows) {
    const store = Number(r.store_id);
    const sku = Number(r.sku);
    if (!current || current.store !== store || current.sku !== sku) {
      current = {
        store,
        sku,
        packSize: Math.max(1, Number(r.pack ?? 1)),
        shelfLife: r.shelf === null ? null : Number(r.shelf),
        price: Number(r.price ?? 0),
        cost: Number(r.cost ?? 0),
        units: new Float64Array(days),
      };
      series.push(current);
    }
    current.units[Number(r.d)] = Number(r.units);
  }
  return { first, days, series };
}

export const dayOf = (set: SeriesSet, d: number): string => isoDay(set.first + d);
