import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../../../test/support/paths.js';
import {
  expectedPurchases,
  expectedSpend,
  fitBgNbd,
  fitGammaGamma,
  type Purchase,
  probabilityAlive,
  summarize,
} from './index.js';

/**
 * BG/NBD and Gamma-Gamma on the CDNOW 1/10 sample as the literature fits it (Fader, Hardie and Lee 2005): the
 * 2,357 customers' purchases counted per day, weekly time, calibration to 1997-09-30. The published maximum-
 * likelihood estimates: r = 0.243, α = 4.414, a = 0.793, b = 2.426 (log-likelihood −9582.4); Gamma-Gamma on the
 * 946 repeat customers p = 6.25, q = 3.74, γ = 15.44. Read in place from ../shared/datasets/cdnow.
 */
const threeFigures = (value: number, published: number) =>
  expect(Number(value.toPrecision(3)), `${value} vs ${published}`).toBe(Number(published.toPrecision(3)));

describe('customer lifetime value on CDNOW', () => {
  it('reproduces the published BG/NBD and Gamma-Gamma estimates of the 1/10 sample to three figures', () => {
    const dir = join(DATASETS, 'cdnow');
    const sample = new Set(
      readFileSync(join(dir, 'cdnow_sample_ids.txt'), 'utf8').split(/\s+/).filter(Boolean),
    );
    const purchases: Purchase[] = readFileSync(join(dir, 'cdnow_master.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','))
      .filter(([id]) => sample.has(id as string))
      .map(([customer, date, , value]) => ({
        customer: customer as string,
        date: date as string,
        amount: Number(value),
      }));
    expect(purchases).toHaveLength(6_919);
    const customers = summarize(purchases, '1997-09-30');
    expect(customers).toHaveLength(2_357);
    // Counted per customer and day over the whole record: 6,696 purchases.
    const whole = summarize(purchases, '1998-06-30');
    expect(whole.reduce((n, c) => n + c.frequency + 1, 0)).toBe(6_696);

    const model = fitBgNbd(customers);
    threeFigures(model.r, 0.243);
    threeFigures(model.alpha, 4.414);
    threeFigures(model.a, 0.793);
    threeFigures(model.b, 2.426);
    expect(model.logLikelihood).toBeCloseTo(-9582.4, 1);

    const repeat = customers.filter((c) => c.frequency > 0);
    expect(repeat).toHaveLength(946);
    const spend = fitGammaGamma(customers);
    threeFigures(spend.p, 6.25);
    threeFigures(spend.q, 3.74);
    threeFigures(spend.gamma, 15.44);

    // The model's answers for one customer keep their sense: a buyer who went quiet long ago is less likely
    // alive and expected to buy less than one just as frequent who bought lately.
    const lately = { frequency: 4, recency: 36, age: 38 };
    const longAgo = { frequency: 4, recency: 10, age: 38 };
    expect(probabilityAlive(model, lately)).toBeGreaterThan(probabilityAlive(model, longAgo));
    expect(expectedPurchases(model, lately, 39)).toBeGreaterThan(expectedPurchases(model, longAgo, 39));
    expect(probabilityAlive(model, { frequency: 0, recency: 0, age: 38 })).toBe(1);
    // A customer's expected spend lies between her own mean and the population's.
    const population = (spend.gamma * spend.p) / (spend.q - 1);
    const own = expectedSpend(spend, { frequency: 3, monetary: 100 });
    expect(own).toBeGreaterThan(population);
    expect(own).toBeLessThan(100);
  }, 60_000);
});
