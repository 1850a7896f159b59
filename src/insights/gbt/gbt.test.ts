import { describe, expect, it } from 'vitest';
import { seededRandom as random } from '../../model/index.js';
import { binMatrix, binOf, fitBooster, predictBooster } from './index.js';

const col = (values: number[]) => Float64Array.from(values);
const mse = (a: Float64Array, b: Float64Array) =>
  a.reduce((s, v, i) => s + (v - (b[i] as number)) ** 2, 0) / a.length;

describe('binning', () => {
  it('gives each of few distinct values its own bin, and missing values bin 0', () => {
    const { columns, edges } = binMatrix([col([3, 1, 2, Number.NaN, 1])]);
    expect(Array.from(columns[0] as Uint8Array)).toEqual([3, 1, 2, 0, 1]);
    expect(binOf(edges[0] as Float64Array, 1.4)).toBe(1);
    expect(binOf(edges[0] as Float64Array, 100)).toBe(3);
  });

  it('cuts many values into at most 255 bins of about equal counts', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => i);
    const { columns } = binMatrix([col(values)]);
    const counts = new Map<number, number>();
    for (const b of columns[0] as Uint8Array) counts.set(b, (counts.get(b) ?? 0) + 1);
    expect(counts.size).toBe(255);
    expect(Math.max(...counts.values()) - Math.min(...counts.values())).toBeLessThanOrEqual(2);
  });
});

describe('gradient-boosted trees', () => {
  it('one stump at learning rate 1 predicts each side’s mean (hand-computed)', () => {
    // x ≤ 2 → y ∈ {1, 3} (mean 2); x > 2 → y ∈ {10, 12, 14} (mean 12).
    const x = col([1, 2, 3, 4, 5]);
    const y = col([1, 3, 10, 12, 14]);
    const model = fitBooster(['x'], [x], y, {
      rounds: 1,
      learningRate: 1,
      maxLeaves: 2,
      minRowsInLeaf: 1,
      lambda: 0,
      subsample: 1,
      colsample: 1,
    });
    expect(model.base).toBeCloseTo(8, 10);
    expect(Array.from(predictBooster(model, [x]))).toEqual(
      [2, 2, 12, 12, 12].map((v) => expect.closeTo(v, 10)),
    );
  });

  it('with Huber loss, moves to where the clipped residuals balance; squared loss stays at the mean', () => {
    // Four rows at 0 and one outlier at 10; one feature with one value, so every tree is a single leaf.
    const x = col([1, 1, 1, 1, 1]);
    const y = col([0, 0, 0, 0, 10]);
    const options = { rounds: 200, learningRate: 1, minRowsInLeaf: 1, lambda: 0, subsample: 1, colsample: 1 };
    const squared = predictBooster(fitBooster(['x'], [x], y, options), [x]);
    expect(squared[0]).toBeCloseTo(2, 10);
    // Huber δ = 0.5: Σ clip(c − y, ±0.5) = 4c − 0.5 = 0 at c = 0.125 (the outlier counts as 0.5).
    const huber = predictBooster(fitBooster(['x'], [x], y, { ...options, huberDelta: 0.5 }), [x]);
    expect(huber[0]).toBeCloseTo(0.125, 6);
  });

  it('shrinks leaf values by λ: −G/(n+λ)', () => {
    const x = col([0, 0, 1, 1]);
    const y = col([0, 0, 4, 4]);
    const model = fitBooster(['x'], [x], y, {
      rounds: 1,
      learningRate: 1,
      maxLeaves: 2,
      minRowsInLeaf: 1,
      lambda: 2,
      subsample: 1,
      colsample: 1,
    });
    // base 2; left gradients +2 each: G=4, n=2 → −4/(2+2) = −1; right: +1.
    expect(Array.from(predictBooster(model, [x]))).toEqual([1, 1, 3, 3]);
  });

  it('weights rows: each side predicts its weighted mean (hand-computed)', () => {
    const x = col([0, 0, 1, 1]);
    const y = col([0, 4, 10, 10]);
    const weights = col([3, 1, 1, 1]);
    const model = fitBooster(
      ['x'],
      [x],
      y,
      { rounds: 1, learningRate: 1, maxLeaves: 2, minRowsInLeaf: 1, lambda: 0, subsample: 1, colsample: 1 },
      weights,
    );
    // Weighted base (0·3 + 4 + 10 + 10) / 6 = 4; left side (0·3 + 4·1) / 4 = 1; right side 10.
    expect(model.base).toBeCloseTo(4, 12);
    expect(Array.from(predictBooster(model, [x]))).toEqual([1, 1, 10, 10].map((v) => expect.closeTo(v, 10)));
  });

  it('learns an interaction (XOR) that no single feature explains, and lowers the error each round', () => {
    const next = random(7);
    const n = 4000;
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    const noise = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = next();
      b[i] = next();
      noise[i] = next();
      y[i] = (a[i] as number) > 0.5 !== (b[i] as number) > 0.5 ? 5 : -5;
    }
    const errors: number[] = [];
    for (const rounds of [1, 5, 20, 60]) {
      const model = fitBooster(['a', 'b', 'noise'], [a, b, noise], y, {
        rounds,
        subsample: 1,
        colsample: 1,
        maxLeaves: 8,
      });
      errors.push(mse(predictBooster(model, [a, b, noise]), y));
    }
    expect(errors[0]).toBeGreaterThan(errors[1] as number);
    expect(errors[1]).toBeGreaterThan(errors[2] as number);
    expect(errors[3]).toBeLessThan(0.05 * 25);
  });

  it('sends missing values their own way', () => {
    const x = col([Number.NaN, Number.NaN, 1, 2, 3, 4]);
    const y = col([100, 100, 0, 0, 0, 0]);
    const model = fitBooster(['x'], [x], y, {
      rounds: 50,
      learningRate: 0.5,
      minRowsInLeaf: 1,
      subsample: 1,
      colsample: 1,
    });
    const [missing, present] = predictBooster(model, [col([Number.NaN, 2.5])]);
    expect(missing).toBeCloseTo(100, 1);
    expect(present).toBeCloseTo(0, 1);
  });

  it('gives the same model for the same data and seed, another for another seed', () => {
    const next = random(3);
    const x = Float64Array.from({ length: 2000 }, () => next());
    const y = x.map((v) => Math.sin(6 * v) + next() * 0.1);
    const fit = (seed: number) =>
      Array.from(predictBooster(fitBooster(['x'], [x], y, { rounds: 20, seed }), [x]));
    expect(fit(1)).toEqual(fit(1));
    expect(fit(1)).not.toEqual(fit(2));
  });

  it('with GOSS (a fifth of the rows fit worst, a tenth of the rest weighed up), still learns the XOR', () => {
    const next = random(11);
    const n = 6000;
    const a = Float64Array.from({ length: n }, () => next());
    const b = Float64Array.from({ length: n }, () => next());
    const y = Float64Array.from({ length: n }, (_, i) =>
      (a[i] as number) > 0.5 !== (b[i] as number) > 0.5 ? 5 : -5,
    );
    const options = { rounds: 80, maxLeaves: 8, colsample: 1, goss: { top: 0.2, other: 0.1 } };
    const model = fitBooster(['a', 'b'], [a, b], y, options);
    expect(mse(predictBooster(model, [a, b]), y)).toBeLessThan(0.05 * 25);
    // Seeded: the same rows are drawn again.
    expect(Array.from(predictBooster(fitBooster(['a', 'b'], [a, b], y, options), [a, b]))).toEqual(
      Array.from(predictBooster(model, [a, b])),
    );
  });

  it('stops early when the kept-aside rows stop improving, keeping the trees up to the best', () => {
    const next = random(5);
    const n = 2000;
    const x = Float64Array.from({ length: n }, () => next());
    // Training targets follow x; the kept-aside ones are noise around the mean: after a few trees, more
    // of them only fit what does not carry over.
    const y = x.map((v) => 10 * v + next());
    const vx = Float64Array.from({ length: 500 }, () => next());
    const vy = Float64Array.from({ length: 500 }, () => 5 + next());
    const model = fitBooster(['x'], [x], y, {
      rounds: 300,
      learningRate: 0.3,
      validation: { columns: [vx], y: vy, patience: 10 },
    });
    const losses = Array.from(model.validationLoss ?? []);
    const best = losses.indexOf(Math.min(...losses)) + 1;
    expect(losses.length).toBeLessThan(300);
    expect(losses.length).toBe(best + 10);
    expect(model.trees).toHaveLength(best);
  });
});
