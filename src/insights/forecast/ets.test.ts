import { describe, expect, it } from 'vitest';
import { exponentialSmoothing } from './ets.js';
import type { History } from './frame.js';

/** One store over 200 days from Monday 2024-03-04: closed on Sundays, busier on Saturdays (¥1,500 vs ¥1,000). */
const MONDAY = 19_786;
const N = 200;
const isSunday = (d: number) => d % 7 === 6;

function history(): History {
  const sales = Float64Array.from({ length: N }, (_, d) => (isSunday(d) ? 0 : d % 7 === 5 ? 1500 : 1000));
  return {
    level: 'store',
    days: {
      length: N,
      series: new Int32Array(N).fill(1),
      store: new Int32Array(N).fill(1),
      day: Int32Array.from({ length: N }, (_, d) => MONDAY + d),
      sales,
      open: Uint8Array.from({ length: N }, (_, d) => (isSunday(d) ? 0 : 1)),
      promo: new Uint8Array(N),
      holiday: new Int32Array(N),
      schoolHoliday: new Uint8Array(N),
      discount: new Float64Array(N),
    },
    series: new Map([[1, { store: 1 }]]),
    categories: [],
    calendar: { isHoliday: new Map(), isMakeupWorkday: new Map(), springFestivalOffset: new Map() },
    stores: new Map([[1, { format: 'drugstore', openDay: MONDAY, attributes: {} }]]),
    holidayCodes: [''],
  };
}

describe('exponential smoothing baseline', () => {
  it('forecasts from an origin on a closed day (the series ends before it), weekday shape kept', () => {
    const h = history();
    const origin = MONDAY + 174; // a Sunday: closed, no sales that day
    const targets = Int32Array.from({ length: 14 }, (_, k) => 175 + k);
    const forecast = Array.from(exponentialSmoothing.forecast(h, origin, 14, targets));
    targets.forEach((row, k) => {
      const expected = h.days.sales[row] as number;
      if (expected === 0) expect(forecast[k]).toBe(0);
      else expect(forecast[k]).toBeCloseTo(expected, -1);
    });
  });
});
