import { REPLENISH_DEFAULTS } from '../../contract/index.js';

/**
 * Order quantities. Ours: buy by forecast sales (以销定采) — demand over lead time and review period,
 * plus safety stock from the forecast's own recent error at the chosen service level, less what is on
 * hand and on order, rounded up to packs; for perishables, never more than is expected to sell within
 * the shelf life. The naive rule stores use without a system: reorder what sold in the last review period.
 */
export interface PolicyOptions {
  /** Days from an order (placed after close) to its delivery (before opening): 1 = the next morning. */
  leadTime: number;
  /** Days between orders. */
  reviewPeriod: number;
  /** Share of demand to serve from stock (e.g. 0.95). */
  serviceLevel: number;
  /** Days of history the forecast learns from. */
  window: number;
}

export const DEFAULT_POLICY: PolicyOptions = { ...REPLENISH_DEFAULTS, window: 56 };

/** The standard normal quantile (Acklam's rational approximation; |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const poly = (k: number[], x: number) => k.reduce((s, v) => s * x + v, 0);
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - 0.02425) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

export interface DemandForecast {
  /** Expected units on each of the next days (index 0 = the day after the review). */
  daily: (ahead: number) => number;
  /** Standard deviation of one day's forecast error, measured on the window. */
  sigma: number;
}

/**
 * Demand per day from the last `window` days before `today` (exclusive): the mean, shaped by the
 * weekday profile of those weeks; its error is how far that shape missed each day of the window.
 * `daily(0)` is the demand of day `today`; days are the series' own, so `d % 7` is a weekday.
 */
export function forecastDemand(units: Float64Array, today: number, window: number): DemandForecast {
  const from = Math.max(0, today - window);
  const n = today - from;
  if (n <= 0) return { daily: () => 0, sigma: 0 };
  let total = 0;
  const byWeekday = new Array(7).fill(0);
  const count = new Array(7).fill(0);
  for (let d = from; d < today; d++) {
    const w = d % 7;
    byWeekday[w] += units[d] as number;
    count[w]++;
    total += units[d] as number;
  }
  const mean = total / n;
  const factor = byWeekday.map((s, w) => (mean > 0 && count[w] ? s / count[w] / mean : 1));
  const at = (d: number) => mean * (factor[d % 7] as number);
  let squares = 0;
  for (let d = from; d < today; d++) squares += ((units[d] as number) - at(d)) ** 2;
  return { daily: (ahead) => at(today + ahead), sigma: Math.sqrt(squares / Math.max(1, n - 1)) };
}

export interface OrderContext {
  onHand: number;
  onOrder: number;
  packSize: number;
  shelfLife: number | null;
  price: number;
  cost: number;
}

const packsUp = (qty: number, pack: number) => Math.ceil(qty / pack - 1e-9) * pack;
const packsDown = (qty: number, pack: number) => Math.floor(qty / pack + 1e-9) * pack;

export function orderByForecast(
  forecast: DemandForecast,
  context: OrderContext,
  options: PolicyOptions,
): { qty: number; demand: number; safety: number } {
  // Until the next order arrives: the days before this one lands, and the review period after.
  const cover = Math.max(1, options.leadTime - 1 + options.reviewPeriod);
  let demand = 0;
  for (let k = 0; k < cover; k++) demand += forecast.daily(k);
  const safety = normalQuantile(options.serviceLevel) * forecast.sigma * Math.sqrt(cover);
  const position = context.onHand + context.onOrder;
  let qty = Math.max(0, packsUp(demand + safety - position, context.packSize));
  if (context.shelfLife !== null && qty > 0) {
    // A perishable: no more than is expected to sell before it expires.
    let sellable = 0;
    for (let k = 0; k < context.shelfLife + options.leadTime - 1; k++) sellable += forecast.daily(k);
    qty = Math.min(qty, Math.max(0, packsDown(sellable - position, context.packSize)));
    // Less than a pack expected to sell in time: one pack only when the shelf is empty and what it is
    // expected to bring in before expiring pays for the whole pack.
    if (qty === 0 && position <= 0 && sellable * context.price >= context.packSize * context.cost)
      qty = context.packSize;
  }
  return { qty, demand, safety };
}

/** Reorder what sold in the last review period, rounded up to packs. */
export function orderNaive(soldLastPeriod: number, packSize: number): number {
  return soldLastPeriod > 0 ? packsUp(soldLastPeriod, packSize) : 0;
}
