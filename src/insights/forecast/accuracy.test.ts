import { describe, expect, it } from 'vitest';
import { accuracyOf } from './accuracy.js';

describe('forecast accuracy', () => {
  it('computes RMSPE, WAPE, accuracy and bias over days with sales, leaving closed days out (hand-computed)', () => {
    // Days: 100 → 90 (−10%), 200 → 220 (+10%), closed 0 → 5 (left out), 50 → 50.
    const a = accuracyOf([100, 200, 0, 50], [90, 220, 5, 50]);
    expect(a.days).toBe(3);
    expect(a.rmspe).toBeCloseTo(Math.sqrt((0.01 + 0.01 + 0) / 3), 12);
    expect(a.wape).toBeCloseTo(30 / 350, 12);
    expect(a.accuracy).toBeCloseTo(1 - 30 / 350, 12);
    expect(a.bias).toBeCloseTo(10 / 350, 12);
  });
});
