import { describe, expect, it } from 'vitest';
import { seededRandom as random } from '../../model/index.js';
import { DEFAULT_POLICY, forecastDemand, normalQuantile, orderByForecast, orderNaive } from './policy.js';
import type { SeriesSet } from './series.js';
import { simulateReplenishment } from './simulate.js';

const context = { onHand: 3, onOrder: 0, packSize: 6, shelfLife: null, price: 10, cost: 6 };

describe('buy by forecast sales', () => {
  it('knows the normal quantiles a service level needs', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 6);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959964, 6);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232, 6);
  });

  it('learns a weekday profile, and measures its error', () => {
    // Four weeks of 10 on weekdays and 24 on the two weekend days of the pattern.
    const week = [10, 10, 10, 10, 10, 24, 24];
    const units = Float64Array.from({ length: 28 }, (_, d) => week[d % 7] as number);
    const forecast = forecastDemand(units, 28, 28);
    expect([0, 1, 2, 3, 4, 5, 6].map((k) => forecast.daily(k))).toEqual(
      week.map((v) => expect.closeTo(v, 9)),
    );
    expect(forecast.sigma).toBeCloseTo(0, 9);
  });

  it('orders demand until the next delivery plus safety stock, less stock, in whole packs (hand-computed)', () => {
    const flat = { daily: () => 10, sigma: 2 };
    // Lead time 1, review 1: cover one day = 10; safety 1.645 × 2 × √1 = 3.29; 13.29 − 3 = 10.29 → 2 packs of 6.
    const order = orderByForecast(flat, context, DEFAULT_POLICY);
    expect(order.qty).toBe(12);
    expect(order.safety).toBeCloseTo(3.29, 2);
    // Lead time 3, review 2: cover 4 days = 40, safety 3.29 × 2 = 6.58; 46.58 − 3 − 6 on order = 37.58 → 7 packs.
    expect(
      orderByForecast(flat, { ...context, onOrder: 6 }, { ...DEFAULT_POLICY, leadTime: 3, reviewPeriod: 2 })
        .qty,
    ).toBe(42);
  });

  it('caps a perishable at what sells before it expires, and skips a pack that would not pay for itself', () => {
    const flat = { daily: () => 10, sigma: 2 };
    // Shelf life 1 day: 10 sell in time; 10 − 3 on hand = 7 → one whole pack (6), not the 12 wanted.
    expect(orderByForecast(flat, { ...context, shelfLife: 1 }, DEFAULT_POLICY).qty).toBe(6);
    const slow = { daily: () => 0.5, sigma: 0.5 };
    const empty = { ...context, onHand: 0, shelfLife: 2 };
    // 1 unit sells within the shelf life: ¥10 of sales against a ¥36 pack → no order; at ¥40 a unit it pays.
    expect(orderByForecast(slow, empty, DEFAULT_POLICY).qty).toBe(0);
    expect(orderByForecast(slow, { ...empty, price: 40 }, DEFAULT_POLICY).qty).toBe(6);
  });

  it('the naive rule reorders what sold, in whole packs', () => {
    expect(orderNaive(7, 6)).toBe(12);
    expect(orderNaive(0, 6)).toBe(0);
  });
});

describe('replenishment simulation', () => {
  // Demand with a weekly rhythm and day-to-day noise (seeded): a perishable sold in packs of 6, and a dry
  // good in packs of 12.
  const week = [4, 5, 4, 6, 9, 14, 12];
  const next = random(11);
  const noisy = (scale: number) =>
    Float64Array.from({ length: 140 }, (_, d) =>
      Math.round((week[d % 7] as number) * scale * (0.4 + 1.2 * next())),
    );
  const set: SeriesSet = {
    first: 0,
    days: 140,
    series: [
      { store: 1, sku: 1, packSize: 6, shelfLife: 2, price: 8, cost: 5, units: noisy(1) },
      { store: 1, sku: 2, packSize: 12, shelfLife: null, price: 5, cost: 3, units: noisy(0.5) },
    ],
  };

  it('accounts for every unit: served plus lost is demand; buying by forecast serves more and wastes less than reordering sales', () => {
    const [forecast, naive] = simulateReplenishment(set, 56, DEFAULT_POLICY);
    const demand = set.series.reduce((s, x) => s + x.units.subarray(140 - 56).reduce((a, b) => a + b, 0), 0);
    for (const r of [forecast, naive]) {
      expect(r?.demand).toBe(demand);
      expect(r?.served ?? 0).toBeCloseTo(demand - (r?.lost ?? 0), 9);
    }
    expect(forecast?.fillRate).toBeGreaterThan(naive?.fillRate ?? 1);
    expect(forecast?.wasted).toBeLessThanOrEqual(naive?.wasted ?? 0);
  });
});
