import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateDemo } from '../src/demo/index.js';
import { importFiles, loadSpec } from '../src/ingest/index.js';
import {
  type BacktestFold,
  type BacktestModel,
  backtest,
  dayNumber,
  ENSEMBLE,
  forecastSales,
  isoDay,
  MODELS,
  readHistory,
} from '../src/insights/index.js';
import { openWarehouse, type Warehouse } from '../src/warehouse/index.js';
import { table } from './stats.js';

/**
 * Rolling-origin backtests of every model on real data (Rossmann) and on the demo chain, one table each:
 * WAPE, accuracy (1 − WAPE), RMSPE over open days, bias, and each model's time.
 */
const DATASETS = resolve('..', 'shared', 'datasets');

/** A bench file made once by `fill` and kept; a fill that fails leaves no half-made file behind. */
async function keptFile(name: string, fill: (engine: Warehouse) => Promise<unknown>): Promise<string> {
  const dir = resolve('.bench-cache', 'forecast');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  if (existsSync(path)) return path;
  const engine = await openWarehouse({ path });
  try {
    await fill(engine);
  } catch (error) {
    await engine.close();
    rmSync(path, { force: true });
    throw error;
  }
  await engine.close();
  return path;
}

/** With `weather`: each store's state and the weather per state, which only the whole chain's folder holds. */
function rossmannFile(dataset: string, weather: boolean): Promise<string> {
  const weatherDir = join(DATASETS, 'rossmann', 'weather');
  return keptFile(`${dataset}${weather ? '-weather' : ''}.duckdb`, (engine) =>
    importFiles(engine, loadSpec(resolve('examples', 'rossmann', 'spec.yaml')), [
      join(DATASETS, dataset, 'store.csv'),
      join(DATASETS, dataset, 'train.csv'),
      ...(weather
        ? [
            join(DATASETS, 'rossmann', 'store_states.csv'),
            ...readdirSync(weatherDir).map((f) => join(weatherDir, f)),
          ]
        : []),
    ]),
  );
}

function demoFile(): Promise<string> {
  return keptFile('demo.duckdb', (engine) =>
    generateDemo(engine, { stores: 30, days: 800, lines: 2_000_000 }),
  );
}

interface ForecastBenchOptions {
  dataset: string;
  level: 'store' | 'category' | 'store-sku';
  /** store-sku: the demo chain's size. */
  stores?: number;
  lines?: number;
  models: string;
  members?: number;
  /** Also a one-model gbt row beside the ensemble (default on). */
  single?: boolean;
  weather?: boolean;
  /** The days before the windows, instead of the standard ones. */
  origins?: string;
  parallel?: number;
  /** Also time `zhongtai forecast` itself (the run and its check window) on a copy of the file. */
  run?: boolean;
}

/** The largest resident size seen while `work` runs (worker threads count: they share the process). */
async function withPeakMemory<T>(
  work: () => Promise<T>,
): Promise<{ value: T; seconds: number; peakMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const started = performance.now();
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, seconds: (performance.now() - started) / 1000, peakMb: peak / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

async function run(
  path: string,
  origins: string[],
  horizon: number,
  options: ForecastBenchOptions,
): Promise<void> {
  const engine = await openWarehouse({ path, readOnly: true });
  try {
    const days = origins.map(dayNumber);
    const last = Math.max(...days) + horizon;
    const history = await readHistory(
      engine,
      isoDay(Math.min(...days) - 3 * 365),
      isoDay(last),
      undefined,
      options.level === 'category' ? 'category' : 'store',
    );
    const models = MODELS.filter((m) => options.models.split(',').includes(m));
    const rows: (string | number)[][] = [
      ['window', 'model', 'days', 'WAPE %', 'accuracy %', 'RMSPE', 'bias %', 'seconds', 'peak MB'],
    ];
    const row = (fold: BacktestFold, label: string, seconds: string, peak: string) => {
      const a = fold.accuracy;
      rows.push([
        `${isoDay(fold.origin + 1)}…${isoDay(fold.origin + horizon)}`,
        label,
        a.days,
        (a.wape * 100).toFixed(2),
        (a.accuracy * 100).toFixed(2),
        a.rmspe.toFixed(4),
        (a.bias * 100).toFixed(2),
        seconds,
        peak,
      ]);
    };
    const members = options.members ?? ENSEMBLE.length;
    // The ensemble as the product trains it, and one model of the same settings beside it.
    const jobs = models.flatMap((model): (BacktestModel & { label: string })[] =>
      model === 'gbt'
        ? [
            { model, members, label: members > 1 ? `gbt ×${members}` : 'gbt' },
            ...(members > 1 && options.single !== false ? [{ model, members: 1, label: 'gbt ×1' }] : []),
          ]
        : [{ model, label: model }],
    );
    const parallel = options.parallel ?? 1;
    if (parallel > 2) {
      // Folds side by side: faster on a big chain, but no fold's own time.
      const started = performance.now();
      const folds = await backtest(history, jobs, days, horizon, undefined, parallel);
      folds.forEach((fold, k) => {
        row(fold, jobs[k % jobs.length]?.label ?? fold.model, '—', '—');
      });
      console.log(
        `${parallel} folds at a time: ${((performance.now() - started) / 1000).toFixed(0)} s in all`,
      );
    } else {
      for (const origin of days) {
        for (const job of jobs) {
          // One fold at a time, so its seconds and memory are its own; an ensemble's members train on both
          // cores as the product trains them (parallel 2, the default on this machine).
          const { value, seconds, peakMb } = await withPeakMemory(() =>
            backtest(history, [job], [origin], horizon, undefined, Math.max(2, parallel)),
          );
          row(value[0] as BacktestFold, job.label, seconds.toFixed(1), peakMb.toFixed(0));
        }
      }
    }
    console.log(table(rows));
  } finally {
    await engine.close();
  }
}

/**
 * `zhongtai forecast --horizon 42` as a chain runs it, on a copy of the file: the check window's training
 * and the run's, every member, seconds and peak memory.
 */
async function timeRun(path: string, from: string, options: ForecastBenchOptions): Promise<void> {
  const copy = join(resolve('.bench-cache', 'forecast'), 'run-copy.duckdb');
  copyFileSync(path, copy);
  rmSync(`${copy}.wal`, { force: true });
  const engine = await openWarehouse({ path: copy });
  try {
    const { value, seconds, peakMb } = await withPeakMemory(() =>
      forecastSales(engine, {
        level: 'store',
        horizon: 42,
        from,
        model: 'gbt',
        ...(options.members ? { members: options.members } : {}),
      }),
    );
    console.log(
      `\nzhongtai forecast --level store --horizon 42 --from ${from}: ${value.rows.length} rows, ` +
        `${seconds.toFixed(0)} s, peak ${peakMb.toFixed(0)} MB (members ${options.members ?? ENSEMBLE.length}, ` +
        'the check window and the run side by side)',
    );
  } finally {
    await engine.close();
    rmSync(copy, { force: true });
  }
}

/** A demo chain of `stores` stores (the whole 2,000-SKU assortment), made once and kept. */
function bigDemoFile(stores: number, lines: number): Promise<string> {
  return keptFile(`demo-${stores}.duckdb`, (engine) =>
    generateDemo(engine, { stores, lines, analyses: false }),
  );
}

/**
 * Store × SKU at chain scale: `zhongtai forecast --level store-sku` for the last 28 days of the demo chain
 * as if unseen (on a copy), timed, and scored per store × SKU × day against what sold, beside the
 * seasonal-naive baseline (each SKU's sales on the same weekday of the last week before the window).
 */
async function benchSku(stores: number, lines: number): Promise<void> {
  const path = await bigDemoFile(stores, lines);
  const copy = join(resolve('.bench-cache', 'forecast'), 'sku-copy.duckdb');
  copyFileSync(path, copy);
  rmSync(`${copy}.wal`, { force: true });
  const engine = await openWarehouse({ path: copy });
  try {
    const [range] = await engine.query(
      'SELECT CAST(max(date) AS VARCHAR) AS last, count(*) AS lines, count(DISTINCT sku) AS skus FROM sales_line',
    );
    const last = dayNumber(String(range?.last));
    const origin = last - 28;
    const { value, seconds, peakMb } = await withPeakMemory(() =>
      forecastSales(engine, { level: 'store-sku', horizon: 28, from: isoDay(origin + 1), model: 'gbt' }),
    );
    const [scores] = await engine.query(
      `WITH f AS (SELECT store_id, sku, date, p50 FROM forecast WHERE run_id = $1),
       a AS (SELECT store_id, sku, date, sum(net) AS sales FROM sales_line
             WHERE date BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE) GROUP BY ALL),
       last_week AS (SELECT store_id, sku, isodow(date) AS dow, sum(net) AS sales FROM sales_line
             WHERE date BETWEEN CAST($2 AS DATE) - 7 AND CAST($2 AS DATE) - 1 GROUP BY ALL),
       b AS (SELECT w.store_id, w.sku, CAST(d.d AS DATE) AS date, w.sales
             FROM last_week w JOIN range(CAST($2 AS DATE), CAST($3 AS DATE) + 1, INTERVAL 1 DAY) d(d)
               ON isodow(d.d) = w.dow),
       model AS (SELECT sum(abs(coalesce(a.sales, 0) - coalesce(f.p50, 0))) AS err
                 FROM f FULL JOIN a USING (store_id, sku, date)),
       naive AS (SELECT sum(abs(coalesce(a.sales, 0) - coalesce(b.sales, 0))) AS err
                 FROM b FULL JOIN a USING (store_id, sku, date)),
       -- The same by store × SKU × week (what an order covers), the four weeks of the window.
       fw AS (SELECT store_id, sku, date_diff('day', CAST($2 AS DATE), date) // 7 AS week, sum(p50) AS v FROM f GROUP BY ALL),
       aw AS (SELECT store_id, sku, date_diff('day', CAST($2 AS DATE), date) // 7 AS week, sum(sales) AS v FROM a GROUP BY ALL),
       bw AS (SELECT store_id, sku, date_diff('day', CAST($2 AS DATE), date) // 7 AS week, sum(sales) AS v FROM b GROUP BY ALL),
       model_week AS (SELECT sum(abs(coalesce(aw.v, 0) - coalesce(fw.v, 0))) AS err
                      FROM fw FULL JOIN aw USING (store_id, sku, week)),
       naive_week AS (SELECT sum(abs(coalesce(aw.v, 0) - coalesce(bw.v, 0))) AS err
                      FROM bw FULL JOIN aw USING (store_id, sku, week))
       SELECT (SELECT sum(sales) FROM a) AS sold, (SELECT count(*) FROM a) AS sold_days,
              (SELECT count(DISTINCT (store_id, sku)) FROM f) AS series,
              (SELECT err FROM model) AS model_err, (SELECT err FROM naive) AS naive_err,
              (SELECT err FROM model_week) AS model_week_err, (SELECT err FROM naive_week) AS naive_week_err`,
      [value.runId, isoDay(origin + 1), isoDay(last)],
    );
    const sold = Number(scores?.sold);
    const accuracy = (err: unknown) => `${((1 - Number(err) / sold) * 100).toFixed(2)}%`;
    console.log(
      `\nDemo chain, ${stores} stores, ${Number(range?.lines).toLocaleString('en')} lines, ${range?.skus} SKUs sold: ` +
        `zhongtai forecast --level store-sku --horizon 28 --from ${isoDay(origin + 1)}\n`,
    );
    console.log(
      table([
        ['series (store × SKU)', 'rows', 'seconds', 'peak MB', 'per', 'gbt (split)', 'seasonal naive'],
        [
          Number(scores?.series).toLocaleString('en'),
          value.rows.length.toLocaleString('en'),
          seconds.toFixed(0),
          peakMb.toFixed(0),
          'day',
          accuracy(scores?.model_err),
          accuracy(scores?.naive_err),
        ],
        ['', '', '', '', 'week', accuracy(scores?.model_week_err), accuracy(scores?.naive_week_err)],
      ]),
    );
    console.log(
      `(accuracy = 1 − WAPE over every store × SKU × day (or week) that sold or was forecast: ${Number(scores?.sold_days).toLocaleString('en')} store × SKU-days sold. ` +
        'A forecast of zero everywhere scores 0%: most store × SKU-days sell nothing or one item, and the split forecasts the expected value, which WAPE punishes on such days)',
    );
  } finally {
    await engine.close();
    rmSync(copy, { force: true });
  }
}

export async function benchForecast(options: ForecastBenchOptions): Promise<void> {
  if (options.level === 'store-sku') {
    await benchSku(options.stores ?? 200, options.lines ?? 40_000_000);
    return;
  }
  if (options.dataset === 'demo') {
    const path = await demoFile();
    const what = options.level === 'category' ? 'store × category series' : 'stores';
    console.log(`\nDemo chain (30 stores), ${what}, three 28-day windows before the last day:\n`);
    await run(path, ['2026-08-22', '2026-09-19', '2026-10-18'], 28, options);
    return;
  }
  if (options.level !== 'store') throw new Error('Rossmann holds store-day totals only: --level store');
  const path = await rossmannFile(options.dataset, options.weather === true);
  // The last 42 days before the kept-aside window, the same window a year earlier, and the kept-aside
  // window's own dates a year earlier (2014-06-20…07-31: summer school holidays, and the football World Cup).
  const windows = options.origins
    ? `the windows after ${options.origins.split(',').join(', ')}`
    : options.dataset === 'rossmann'
      ? 'the last before 2015-06-19 and 2014-06-20…07-31'
      : 'the last before 2015-06-19, the same a year earlier, and 2014-06-20…07-31';
  console.log(
    `\n${options.dataset}${options.weather ? ' with weather' : ''}: 42-day windows — ${windows}:\n`,
  );
  const origins =
    options.origins?.split(',') ??
    (options.dataset === 'rossmann'
      ? ['2015-05-08', '2014-06-19']
      : ['2014-05-09', '2014-06-19', '2015-05-08']);
  await run(path, origins, 42, options);
  // The kept-aside days follow 2015-06-19: the run a chain would make that night.
  if (options.run) await timeRun(path, '2015-06-20', options);
}
