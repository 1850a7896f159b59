import type { Suggestion } from '../../contract/index.js';
import { ZhongtaiError } from '../../model/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { dayNumber, isoDay } from '../forecast/index.js';
import { forecastDemand, orderByForecast, type PolicyOptions } from './policy.js';
import { readSeries } from './series.js';

export type { Suggestion } from '../../contract/index.js';

/**
 * Order suggestions for the evening of `date`: every store × SKU that sold in the forecast window, with
 * stock on hand from that day's inventory snapshot (the latest before it, if none that day) and
 * deliveries already booked after it as on order.
 */
export async function suggestOrders(
  engine: Warehouse,
  date: string,
  options: PolicyOptions,
  stores?: number[],
): Promise<Suggestion[]> {
  const today = dayNumber(date);
  const from = isoDay(today - options.window + 1);
  const set = await readSeries(engine, { from, to: date, ...(stores ? { stores } : {}) });
  if (set.series.length === 0) {
    throw new ZhongtaiError('BAD_REQUEST', {
      en: `No sales between ${from} and ${date} to forecast from`,
      zh: `${from} 至 ${date} 之间没有销售，无法预测补货`,
    });
  }
  const stock = new Map<string, { onHand: number; onOrder: number; name: string }>();
  const key = (store: number, sku: number) => `${store}|${sku}`;
  for (const r of await engine.query(
    `WITH latest AS (
       SELECT store_id, sku, arg_max(on_hand_qty, date) AS on_hand FROM inventory_snapshot
       WHERE date <= CAST($1 AS DATE) GROUP BY ALL),
     booked AS (SELECT store_id, sku, sum(qty) AS qty FROM receipt WHERE date > CAST($1 AS DATE) GROUP BY ALL)
     SELECT p.sku, p.name, l.store_id, l.on_hand, b.qty AS on_order
     FROM latest l JOIN product p USING (sku) LEFT JOIN booked b USING (store_id, sku)`,
    [date],
  )) {
    stock.set(key(Number(r.store_id), Number(r.sku)), {
      onHand: Math.max(0, Number(r.on_hand ?? 0)),
      onOrder: Number(r.on_order ?? 0),
      name: String(r.name),
    });
  }
  const products = new Map<number, { name: string; category: string }>();
  for (const r of await engine.query('SELECT sku, name, category_l1 FROM product'))
    products.set(Number(r.sku), { name: String(r.name), category: String(r.category_l1 ?? '') });
  const storeNames = new Map<number, string>();
  for (const r of await engine.query('SELECT store_id, name FROM store'))
    storeNames.set(Number(r.store_id), String(r.name));
  return set.series.map((series) => {
    const held = stock.get(key(series.store, series.sku));
    const onHand = held?.onHand ?? 0;
    const onOrder = held?.onOrder ?? 0;
    const forecast = forecastDemand(series.units, set.days, options.window);
    const { qty, demand, safety } = orderByForecast(
      forecast,
      {
        onHand,
        onOrder,
        packSize: series.packSize,
        shelfLife: series.shelfLife,
        price: series.price,
        cost: series.cost,
      },
      options,
    );
    const product = products.get(series.sku);
    return {
      store: series.store,
      storeName: storeNames.get(series.store) ?? String(series.store),
      sku: series.sku,
      name: held?.name ?? product?.name ?? String(series.sku),
      category: product?.category ?? '',
      onHand,
      onOrder,
      demand,
      safety,
      order: qty,
      packs: qty / series.packSize,
      orderCost: Math.round(qty * series.cost * 100) / 100,
      shelfLife: series.shelfLife,
    };
  });
}
