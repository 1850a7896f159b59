import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { addDays } from '../src/model/index.js';
import { forecastIntervals, type IntervalHistory, seasonalNaive, wape } from '../src/workforce/index.js';
import { median } from './stats.js';

/**
 * The interval forecast behind staffing, backtested on real counts: the City of Melbourne's hourly pedestrian
 * counters (four sensors, 2015–2016) and Corporación Favorita's daily tickets (54 stores, 2013–2017). From
 * origins every four weeks, the next 14 days are forecast from the history up to the origin and compared with
 * what was counted: WAPE (Σ|forecast − actual| ÷ Σ actual) of ours and of seasonal naive (the same hour or day
 * of the last week seen).
 */
const DATASETS = resolve('..', 'shared', 'datasets');
const HORIZON = 14;
const OPTIONS = process.env.TRAFFIC_OPTIONS ? JSON.parse(process.env.TRAFFIC_OPTIONS) : undefined;

function melbourne(): Map<string, IntervalHistory> {
  const out = new Map<string, IntervalHistory>();
  for (const line of readFileSync(resolve(DATASETS, 'footfall-melbourne', 'pedestrian.csv'), 'utf8')
    .split('\n')
    .slice(1)) {
    const [sensor, , date, hour, count] = line.split(',');
    if (!sensor || !date) continue;
    const series = out.get(sensor) ?? new Map<string, number[]>();
    out.set(sensor, series);
    const row = series.get(date) ?? new Array(24).fill(Number.NaN);
    series.set(date, row);
    row[Number(hour)] = Number(count);
  }
  return out;
}

function favorita(): Map<string, IntervalHistory> {
  const out = new Map<string, IntervalHistory>();
  for (const line of readFileSync(resolve(DATASETS, 'favorita-transactions', 'transactions.csv'), 'utf8')
    .split('\n')
    .slice(1)) {
    const [date, store, tickets] = line.split(',');
    if (!date || !store) continue;
    const series = out.get(store) ?? new Map<string, number[]>();
    out.set(store, series);
    series.set(date, [Number(tickets)]);
  }
  return out;
}

function backtest(series: Map<string, IntervalHistory>, first: string, last: string) {
  const ours: number[] = [];
  const naive: number[] = [];
  let origins = 0;
  for (let origin = first; addDays(origin, HORIZON) <= last; origin = addDays(origin, 28)) {
    origins += 1;
    const dates = Array.from({ length: HORIZON }, (_, k) => addDays(origin, k + 1));
    for (const history of series.values()) {
      if (!history.has(origin) || !dates.every((d) => history.has(d))) continue;
      const before: IntervalHistory = new Map([...history].filter(([d]) => d <= origin));
      const actual: IntervalHistory = new Map(dates.map((d) => [d, history.get(d) as number[]]));
      const a = wape(actual, forecastIntervals(before, origin, dates, OPTIONS));
      const b = wape(actual, seasonalNaive(before, origin, dates));
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      ours.push(a);
      naive.push(b);
    }
  }
  return { ours, naive, origins };
}

export function benchTraffic(): void {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  for (const [label, series, first, last] of [
    ['Melbourne hourly footfall, 4 sensors', melbourne(), '2015-02-15', '2016-12-31'],
    ['Favorita daily tickets, 54 stores', favorita(), '2013-03-03', '2017-08-15'],
  ] as const) {
    const started = performance.now();
    const { ours, naive, origins } = backtest(series, first, last);
    const wins = ours.filter((x, i) => x < (naive[i] as number)).length;
    console.log(
      `${label}: ${origins} origins × ${HORIZON} days, ${ours.length} series-windows — WAPE median ours ${pct(median(ours))} vs seasonal naive ${pct(median(naive))}; mean ${pct(ours.reduce((a, b) => a + b, 0) / ours.length)} vs ${pct(naive.reduce((a, b) => a + b, 0) / naive.length)}; ours better in ${wins} of ${ours.length} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
  }
}
