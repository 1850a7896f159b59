import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../../test/support/paths.js';
import { addDays } from '../model/index.js';
import { forecastIntervals, type IntervalHistory, seasonalNaive, wape } from './interval-forecast.js';

describe('the interval forecast', () => {
  it('weights recent weeks most and leaves out a week unlike the rest (by hand)', () => {
    // Four Mondays before the origin; the hour's counts 100, 110, 400 (a holiday rush), 90 — newest first.
    const history: IntervalHistory = new Map([
      ['2026-11-30', [100]],
      ['2026-11-23', [110]],
      ['2026-11-16', [400]],
      ['2026-11-09', [90]],
    ]);
    const forecast = forecastIntervals(history, '2026-12-06', ['2026-12-07', '2026-12-14'], {
      weeks: 4,
      decay: 0.5,
    });
    // Median 110; 400 is above 1.5 × 110: (1·100 + 0.5·110 + 0.125·90) / 1.625.
    const expected = (100 + 0.5 * 110 + 0.125 * 90) / 1.625;
    expect(forecast.get('2026-12-07')?.[0]).toBeCloseTo(expected, 9);
    // Two weeks ahead stands on the same weeks (nothing after the origin is known).
    expect(forecast.get('2026-12-14')?.[0]).toBeCloseTo(expected, 9);
    expect(seasonalNaive(history, '2026-12-06', ['2026-12-14']).get('2026-12-14')).toEqual([100]);
    expect(wape(new Map([['2026-12-07', [120]]]), new Map([['2026-12-07', [90]]]))).toBeCloseTo(0.25, 12);
  });

  it('beats seasonal naive on Favorita’s daily tickets of 54 stores, two weeks ahead from twelve origins', () => {
    const series = new Map<string, IntervalHistory>();
    for (const line of readFileSync(join(DATASETS, 'favorita-transactions', 'transactions.csv'), 'utf8')
      .split('\n')
      .slice(1)) {
      const [date, store, tickets] = line.split(',');
      if (!date || !store) continue;
      const s = series.get(store) ?? new Map<string, number[]>();
      series.set(store, s);
      s.set(date, [Number(tickets)]);
    }
    let ours = 0;
    let naive = 0;
    for (let k = 0; k < 12; k += 1) {
      const origin = addDays('2016-01-09', 28 * k);
      const dates = Array.from({ length: 14 }, (_, d) => addDays(origin, d + 1));
      for (const history of series.values()) {
        if (!dates.every((d) => history.has(d))) continue;
        const before: IntervalHistory = new Map([...history].filter(([d]) => d <= origin));
        const actual: IntervalHistory = new Map(dates.map((d) => [d, history.get(d) as number[]]));
        ours += wape(actual, forecastIntervals(before, origin, dates));
        naive += wape(actual, seasonalNaive(before, origin, dates));
      }
    }
    expect(ours).toBeLessThan(naive * 0.9);
  });
});
