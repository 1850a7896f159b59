import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateDemo } from '../src/demo/index.js';
import { importFiles, loadSpec } from '../src/ingest/index.js';
import {
  type BacktestFold,
  backtest,
  dayNumber,
  isoDay,
  MODELS,
  readHistory,
} from '../src/insights/index.js';
import { openWarehouse } from '../src/warehouse/index.js';
import { table } from './stats.js';

/**
 * Rolling-origin backtests of every model on real data (Rossmann) and on the demo chain, one table each:
 * WAPE, accuracy (1 − WAPE), RMSPE over open days, bias, and each model's time.
 */
const DATASETS = resolve('..', 'shared', 'datasets');

/** With `weather`: each store's state and the weather per state, which only the whole chain's folder holds. */
async function rossmannFile(dataset: string, weather: boolean): Promise<string> {
  const dir = resolve('.bench-cache', 'forecast');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${dataset}${weather ? '-weather' : ''}.duckdb`);
  if (!existsSync(path)) {
    const engine = await openWarehouse({ path });
    try {
      const spec = loadSpec(resolve('examples', 'rossmann', 'spec.yaml'));
      const weatherDir = join(DATASETS, 'rossmann', 'weather');
      await importFiles(engine, spec, [
        join(DATASETS, dataset, 'store.csv'),
        join(DATASETS, dataset, 'train.csv'),
        ...(weather
          ? [
              join(DATASETS, 'rossmann', 'store_states.csv'),
              ...readdirSync(weatherDir).map((f) => join(weatherDir, f)),
            ]
          : []),
      ]);
    } catch (error) {
      await engine.close();
      rmSync(path, { force: true });
      throw error;
    }
    await engine.close();
  }
  return path;
}

async function demoFile(): Promise<string> {
  const path = resolve('.bench-cache', 'forecast', 'demo.duckdb');
  if (!existsSync(path)) {
    mkdirSync(resolve('.bench-cache', 'forecast'), { recursive: true });
    const engine = await openWarehouse({ path });
    await generateDemo(engine, { stores: 30, days: 800, lines: 2_000_000 });
    await engine.close();
  }
  return path;
}

interface ForecastBenchOptions {
  dataset: string;
  level: 'store' | 'category';
  models: string;
  members?: number;
  weather?: boolean;
  /** The days before the windows, instead of the standard ones. */
  origins?: string;
  parallel?: number;
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
      options.level,
    );
    const models = MODELS.filter((m) => options.models.split(',').includes(m));
    const rows: (string | number)[][] = [
      ['window', 'model', 'days', 'WAPE %', 'accuracy %', 'RMSPE', 'bias %', 'seconds'],
    ];
    const row = (fold: BacktestFold, seconds: string) => {
      const a = fold.accuracy;
      rows.push([
        `${isoDay(fold.origin + 1)}…${isoDay(fold.origin + horizon)}`,
        fold.model,
        a.days,
        (a.wape * 100).toFixed(2),
        (a.accuracy * 100).toFixed(2),
        a.rmspe.toFixed(4),
        (a.bias * 100).toFixed(2),
        seconds,
      ]);
    };
    const jobs = models.map((model) => ({ model, members: options.members }));
    const parallel = options.parallel ?? 1;
    if (parallel > 1) {
      // Folds side by side: faster on a big chain, but no fold's own time.
      const started = performance.now();
      for (const fold of await backtest(history, jobs, days, horizon, undefined, parallel)) row(fold, '—');
      console.log(
        `${parallel} folds at a time: ${((performance.now() - started) / 1000).toFixed(0)} s in all`,
      );
    } else {
      for (const origin of days) {
        for (const job of jobs) {
          const started = performance.now();
          // One at a time, so each fold's seconds are its own.
          const [fold] = (await backtest(history, [job], [origin], horizon, undefined, 1)) as [BacktestFold];
          row(fold, ((performance.now() - started) / 1000).toFixed(1));
        }
      }
    }
    console.log(table(rows));
  } finally {
    await engine.close();
  }
}

export async function benchForecast(options: ForecastBenchOptions): Promise<void> {
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
    : 'the last before 2015-06-19, the same a year earlier, and 2014-06-20…07-31';
  console.log(
    `\n${options.dataset}${options.weather ? ' with weather' : ''}: 42-day windows — ${windows}:\n`,
  );
  const origins = options.origins?.split(',') ?? ['2014-05-09', '2014-06-19', '2015-05-08'];
  await run(path, origins, 42, options);
}
