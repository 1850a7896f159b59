import { describe, expect, it } from 'vitest';
import { bandOf, bandsOf, splitBySku } from './sku-split.js';

describe('store × SKU split', () => {
  it('splits a category day by each SKU share, and leaves a category without SKUs out', () => {
    const shares = new Map([
      [
        '1|水果',
        [
          { sku: 10, share: 0.75 },
          { sku: 11, share: 0.25 },
        ],
      ],
    ]);
    const split = splitBySku(
      [
        { store: 1, category: '水果', day: 100, p50: 200 },
        { store: 2, category: '水果', day: 100, p50: 80 },
      ],
      shares,
    );
    expect(split).toEqual([
      { store: 1, category: '水果', day: 100, sku: 10, p50: 150 },
      { store: 1, category: '水果', day: 100, sku: 11, p50: 50 },
    ]);
  });

  it('keeps one spread per size band: small forecasts spread wider than large ones', () => {
    // Eight small forecasts (¥1) whose actuals run 0…7; twelve large ones (¥100…111) within −6%…+5%.
    const validation = [
      ...Array.from({ length: 8 }, (_, k) => ({ forecast: 1, actual: k })),
      ...Array.from({ length: 12 }, (_, k) => ({ forecast: 100 + k, actual: (100 + k) * (0.94 + 0.01 * k) })),
    ];
    const bands = bandsOf(validation);
    expect(bands).toHaveLength(5);
    // Four forecasts a band: the small ones fill two, the large ones three.
    expect(bandOf(bands, 1)).toEqual({ upTo: 1, q10: 0, q90: 3 });
    const firstLarge = bandOf(bands, 100);
    expect(firstLarge.upTo).toBe(103);
    expect(firstLarge.q10).toBeCloseTo(0.94, 10);
    expect(firstLarge.q90).toBe(1);
    const largest = bandOf(bands, 1e9);
    expect(largest.upTo).toBe(Number.POSITIVE_INFINITY);
    expect(largest.q10).toBe(1);
    expect(largest.q90).toBeCloseTo(1.05, 10);
    // A spread never puts P10 above or P90 below the forecast.
    expect(bandsOf([{ forecast: 2, actual: 4 }])).toEqual([
      { upTo: Number.POSITIVE_INFINITY, q10: 1, q90: 2 },
    ]);
  });
});
