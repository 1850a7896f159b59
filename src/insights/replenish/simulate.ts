import {
  type DemandForecast,
  forecastDemand,
  orderByForecast,
  orderNaive,
  type PolicyOptions,
} from './policy.js';
import type { Series, SeriesSet } from './series.js';

/**
 * Replays history day by day for each store × SKU: deliveries arrive before opening, the day's demand (what
 * was actually sold) is served first-in first-out from stock, the rest is lost; lots past their shelf life
 * are thrown away at close; then an order is placed, arriving `leadTime` days later. Both policies start
 * from the same stock and see the same demand.
 */
export interface SimulationResult {
  policy: 'forecast' | 'naive';
  series: number;
  demand: number;
  served: number;
  lost: number;
  lostValue: number;
  wasted: number;
  wastedValue: number;
  /** served ÷ demand, in units. */
  fillRate: number;
  /** Mean units on hand at close. */
  averageStock: number;
}

interface Lot {
  qty: number;
  /** The day the lot was delivered. */
  day: number;
}

type Policy = (
  series: Series,
  today: number,
  context: { onHand: number; onOrder: number; soldSinceOrder: number },
) => number;

function replay(
  set: SeriesSet,
  start: number,
  options: PolicyOptions,
  policy: Policy,
  name: SimulationResult['policy'],
): SimulationResult {
  const result: SimulationResult = {
    policy: name,
    series: set.series.length,
    demand: 0,
    served: 0,
    lost: 0,
    lostValue: 0,
    wasted: 0,
    wastedValue: 0,
    fillRate: 0,
    averageStock: 0,
  };
  let stockDays = 0;
  for (const series of set.series) {
    // Both policies start with what the forecast rule would have wanted on hand.
    const opening = forecastDemand(series.units, start, options.window);
    let lots: Lot[] = [
      { qty: Math.ceil(opening.daily(0) * (options.leadTime + options.reviewPeriod)), day: start },
    ];
    const pending = new Map<number, number>();
    let soldSinceOrder = 0;
    for (let day = start; day < set.days; day++) {
      const arriving = pending.get(day);
      if (arriving) lots.push({ qty: arriving, day });
      pending.delete(day);
      let demand = series.units[day] as number;
      result.demand += demand;
      for (const lot of lots) {
        const take = Math.min(lot.qty, demand);
        lot.qty -= take;
        demand -= take;
        result.served += take;
        soldSinceOrder += take;
      }
      result.lost += demand;
      result.lostValue += demand * series.price;
      if (series.shelfLife !== null) {
        const life = series.shelfLife;
        for (const lot of lots) {
          if (day - lot.day + 1 >= life && lot.qty > 0) {
            result.wasted += lot.qty;
            result.wastedValue += lot.qty * series.cost;
            lot.qty = 0;
          }
        }
      }
      lots = lots.filter((l) => l.qty > 0);
      const onHand = lots.reduce((s, l) => s + l.qty, 0);
      result.averageStock += onHand;
      stockDays++;
      if ((day - start) % options.reviewPeriod === 0) {
        let onOrder = 0;
        for (const qty of pending.values()) onOrder += qty;
        const qty = policy(series, day + 1, { onHand, onOrder, soldSinceOrder });
        soldSinceOrder = 0;
        if (qty > 0) pending.set(day + options.leadTime, (pending.get(day + options.leadTime) ?? 0) + qty);
      }
    }
  }
  result.fillRate = result.demand ? result.served / result.demand : 1;
  result.averageStock = stockDays ? result.averageStock / stockDays : 0;
  return result;
}

/** Simulates the last `days` days of the set under both policies. */
export function simulateReplenishment(
  set: SeriesSet,
  days: number,
  options: PolicyOptions,
): SimulationResult[] {
  const start = Math.max(options.window, set.days - days);
  const forecast = (series: Series, today: number): DemandForecast =>
    forecastDemand(series.units, today, options.window);
  return [
    replay(
      set,
      start,
      options,
      (series, today, ctx) =>
        orderByForecast(
          forecast(series, today),
          {
            ...ctx,
            packSize: series.packSize,
            shelfLife: series.shelfLife,
            price: series.price,
            cost: series.cost,
          },
          options,
        ).qty,
      'forecast',
    ),
    replay(
      set,
      start,
      options,
      (series, _today, ctx) => orderNaive(ctx.soldSinceOrder, series.packSize),
      'naive',
    ),
  ];
}
