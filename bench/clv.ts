import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  expectedPurchases,
  expectedSpend,
  fitBgNbd,
  fitGammaGamma,
  type Purchase,
  summarize,
} from '../src/insights/clv/index.js';
import { table } from './stats.js';

/**
 * Customer lifetime value on all 23,570 CDNOW customers, as the literature tests it: fitted on purchases to
 * 1997-09-30 (counted per day, weeks), then each customer's purchases and spend over the 39-week hold-out
 * 1997-10-01 … 1998-06-30 predicted and compared with what happened — against the naive baseline (each customer's
 * calibration rate of repeat purchases × the hold-out's length; spend: that × her mean purchase).
 */
interface Options {
  data: string;
}

const CALIBRATION_END = '1997-09-30';
const HOLDOUT_END = '1998-06-30';
const HOLDOUT_WEEKS = 39;

export function benchClv(options: Options): void {
  const purchases: Purchase[] = readFileSync(join(options.data, 'cdnow_master.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .map(([customer, date, , value]) => ({
      customer: customer as string,
      date: date as string,
      amount: Number(value),
    }));
  const started = performance.now();
  const customers = summarize(purchases, CALIBRATION_END);
  const model = fitBgNbd(customers);
  const spend = fitGammaGamma(customers);
  const fitSeconds = (performance.now() - started) / 1000;

  // What each customer did in the hold-out: purchase days and spend.
  const held = new Map<string, { days: Set<string>; spend: number }>();
  for (const p of purchases) {
    if (p.date <= CALIBRATION_END || p.date > HOLDOUT_END) continue;
    const h = held.get(p.customer) ?? { days: new Set<string>(), spend: 0 };
    h.days.add(p.date);
    h.spend += p.amount;
    held.set(p.customer, h);
  }
  // Each customer's mean purchase value in calibration (first purchase included), for the naive spend.
  const meanValue = new Map<string, number>();
  const byCustomer = new Map<string, { total: number; days: Set<string> }>();
  for (const p of purchases) {
    if (p.date > CALIBRATION_END) continue;
    const c = byCustomer.get(p.customer) ?? { total: 0, days: new Set<string>() };
    c.total += p.amount;
    c.days.add(p.date);
    byCustomer.set(p.customer, c);
  }
  for (const [id, c] of byCustomer) meanValue.set(id, c.total / c.days.size);

  const rows = customers.map((c) => {
    const actual = held.get(c.customer)?.days.size ?? 0;
    const actualSpend = held.get(c.customer)?.spend ?? 0;
    const predicted = expectedPurchases(model, c, HOLDOUT_WEEKS);
    const naive = (c.frequency / c.age) * HOLDOUT_WEEKS;
    return {
      actual,
      predicted,
      naive,
      actualSpend,
      predictedSpend: predicted * expectedSpend(spend, c),
      naiveSpend: naive * (meanValue.get(c.customer) ?? 0),
    };
  });
  const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + f(r), 0);
  const mae = (f: (r: (typeof rows)[number]) => number) => sum(f) / rows.length;
  const rmse = (f: (r: (typeof rows)[number]) => number) => Math.sqrt(sum((r) => f(r) ** 2) / rows.length);
  console.log(
    `CDNOW: ${customers.length.toLocaleString('en')} customers, calibration to ${CALIBRATION_END}, hold-out ${HOLDOUT_WEEKS} weeks to ${HOLDOUT_END}; fitted in ${fitSeconds.toFixed(1)} s`,
  );
  console.log(
    `BG/NBD r ${model.r.toFixed(3)}, α ${model.alpha.toFixed(3)}, a ${model.a.toFixed(3)}, b ${model.b.toFixed(3)} (LL ${model.logLikelihood.toFixed(1)}); Gamma-Gamma p ${spend.p.toFixed(2)}, q ${spend.q.toFixed(2)}, γ ${spend.gamma.toFixed(2)}`,
  );
  console.log(
    table([
      [
        'hold-out',
        'actual',
        'BG/NBD (+ Gamma-Gamma)',
        'naive',
        'MAE model',
        'MAE naive',
        'RMSE model',
        'RMSE naive',
      ],
      [
        'repeat purchases',
        sum((r) => r.actual),
        sum((r) => r.predicted),
        sum((r) => r.naive),
        mae((r) => Math.abs(r.predicted - r.actual)),
        mae((r) => Math.abs(r.naive - r.actual)),
        rmse((r) => r.predicted - r.actual),
        rmse((r) => r.naive - r.actual),
      ],
      [
        'spend $',
        sum((r) => r.actualSpend),
        sum((r) => r.predictedSpend),
        sum((r) => r.naiveSpend),
        mae((r) => Math.abs(r.predictedSpend - r.actualSpend)),
        mae((r) => Math.abs(r.naiveSpend - r.actualSpend)),
        rmse((r) => r.predictedSpend - r.actualSpend),
        rmse((r) => r.naiveSpend - r.actualSpend),
      ],
    ]),
  );
}
