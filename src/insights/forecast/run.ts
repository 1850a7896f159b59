import { availableParallelism } from 'node:os';
import { FORECAST_LEVELS } from '../../contract/index.js';
import { ZhongtaiError } from '../../model/index.js';
import { insertRows, type Warehouse } from '../../warehouse/index.js';
import type { BoostOptions } from '../gbt/index.js';
import { windowRows } from './backtest.js';
import { dayNumber, type History, isoDay, readHistory } from './frame.js';
import type { ModelName } from './models.js';
import { forecastAllOffThread } from './off-thread.js';
import { bandOf, bandsOf, skuActuals, skuShares, splitBySku } from './sku-split.js';
import { sold } from './stats.js';

export const LEVELS = FORECAST_LEVELS;
export type ForecastLevel = (typeof LEVELS)[number];

export interface ForecastOptions {
  /** store: per store; category: per store × category (level 1); store-sku: per store × SKU. */
  level: ForecastLevel;
  horizon: number;
  /** The first day to forecast; default: the day after the last day with sales. */
  from?: string;
  model: ModelName;
  /** Years of history to learn from. */
  years?: number;
  /** Settings of the tree model (tests train small ones). */
  boost?: Partial<BoostOptions>;
  /** Members of the tree ensemble to train (default all; 1 is about three times faster). */
  members?: number;
  /** `share` of the step named, `overall` of the whole run (the check window's training and the run's: side by side on
   * two cores, one after the other on one). */
  onProgress?: (step: string, share: number, overall: number) => void;
}

export interface ForecastRow {
  store: number;
  /** Set at levels category and store-sku. */
  category?: string;
  /** Set at level store-sku. */
  sku?: number;
  date: string;
  p10: number;
  p50: number;
  p90: number;
}

export interface ForecastResult {
  runId: number;
  origin: string;
  level: ForecastLevel;
  model: ModelName;
  rows: ForecastRow[];
  /** The spread of log(actual ÷ forecast) on the last `horizon` days before the origin, forecast as if unseen. */
  interval: { q10: number; q90: number };
  seconds: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number) : 0;

export async function lastSalesDay(engine: Warehouse): Promise<string> {
  const [row] = await engine.query(
    `SELECT CAST(greatest(
       coalesce((SELECT max(date) FROM sales_line), DATE '1900-01-01'),
       coalesce((SELECT max(date) FROM store_day_sales), DATE '1900-01-01')) AS VARCHAR) AS d`,
  );
  const day = String(row?.d ?? '1900-01-01');
  if (day === '1900-01-01')
    throw new ZhongtaiError('BAD_REQUEST', {
      en: 'No sales in this data file yet: import sales (or run zhongtai demo) before forecasting',
      zh: '数据文件中还没有销售数据：请先导入销售数据（或运行 zhongtai demo）再预测',
    });
  return day;
}

/**
 * P10/P50/P90 per series and day: the model learns from history up to the origin; the interval comes
 * from how wrong the same model was on the `horizon` days before the origin, forecast from the origin
 * before those (so the spread is an honest out-of-sample one). Store × SKU forecasts split the store ×
 * category ones (see sku-split.ts).
 */
export async function forecastSales(engine: Warehouse, options: ForecastOptions): Promise<ForecastResult> {
  const started = Date.now();
  const horizon = options.horizon;
  const firstDay = options.from ? dayNumber(options.from) : dayNumber(await lastSalesDay(engine)) + 1;
  const origin = firstDay - 1;
  const years = options.years ?? 3;
  const history: History = await readHistory(
    engine,
    isoDay(origin - Math.round(365.25 * years)),
    isoDay(origin),
    { from: isoDay(firstDay), to: isoDay(origin + horizon) },
    options.level === 'store' ? 'store' : 'category',
  );
  const job = { history, model: options.model, boost: options.boost, members: options.members, horizon };

  // How wrong the model is out of sample: forecast the last window before the origin as if unseen.
  const checkRows = windowRows(history, origin - horizon, horizon);
  // Series that sold in the year before the origin: one without history has nothing to forecast from.
  const { days } = history;
  const active = new Set<number>();
  for (let i = 0; i < days.length; i++) {
    const day = days.day[i] as number;
    if (day <= origin && day > origin - 365 && sold(days, i)) active.add(days.series[i] as number);
  }
  const targets: number[] = [];
  for (let i = 0; i < days.length; i++) {
    const day = days.day[i] as number;
    if (day > origin && day <= origin + horizon && active.has(days.series[i] as number)) targets.push(i);
  }
  const checkJob = { ...job, origin: origin - horizon, targets: checkRows };
  const runJob = { ...job, origin, targets: Int32Array.from(targets) };
  // The check window's training and the run's are independent: on two cores they train side by side, and
  // the bar shows the pair as one step; on one, one after the other, each its own step.
  const parallel = availableParallelism() > 1 ? 2 : 1;
  const shares = [0, 0];
  const [check, p50] = (await forecastAllOffThread([checkJob, runJob], parallel, (k, share) => {
    shares[k] = share;
    const overall = ((shares[0] as number) + (shares[1] as number)) / 2;
    if (parallel > 1) options.onProgress?.('训练 / training', overall, overall);
    else options.onProgress?.(k === 0 ? '验证 / validating' : '训练 / training', share, overall);
  })) as [Float64Array, Float64Array];
  const logErrors: number[] = [];
  checkRows.forEach((i, k) => {
    if (sold(history.days, i) && (check[k] as number) > 0)
      logErrors.push(Math.log((history.days.sales[i] as number) / (check[k] as number)));
  });
  logErrors.sort((a, b) => a - b);
  const interval = { q10: quantile(logErrors, 0.1), q90: quantile(logErrors, 0.9) };

  const category = (i: number) => history.series.get(days.series[i] as number)?.category ?? '';
  const validation = { rows: checkRows, p50: check };
  let rows: ForecastRow[];
  if (options.level === 'store-sku') {
    rows = await skuForecasts(engine, history, origin, horizon, validation, { rows: targets, p50 });
  } else {
    rows = targets.map((i, k) => {
      const median = p50[k] as number;
      return {
        store: days.store[i] as number,
        ...(options.level === 'category' ? { category: category(i) } : {}),
        date: isoDay(days.day[i] as number),
        p10: median * Math.exp(interval.q10),
        p50: median,
        p90: median * Math.exp(interval.q90),
      };
    });
  }
  const runId = await saveForecast(engine, options, origin, rows, interval, (Date.now() - started) / 1000);
  return {
    runId,
    origin: isoDay(origin),
    level: options.level,
    model: options.model,
    rows,
    interval,
    seconds: (Date.now() - started) / 1000,
  };
}

/**
 * Store × SKU rows from the store × category forecasts: split by the SKU shares known at the origin, with
 * the spread of the validation window's split (made from the shares known then) against what each SKU sold.
 */
async function skuForecasts(
  engine: Warehouse,
  history: History,
  origin: number,
  horizon: number,
  check: { rows: ArrayLike<number>; p50: Float64Array },
  target: { rows: ArrayLike<number>; p50: Float64Array },
): Promise<ForecastRow[]> {
  const { days } = history;
  const asCategoryDays = (part: { rows: ArrayLike<number>; p50: Float64Array }) =>
    Array.from(part.rows, (i, k) => ({
      store: days.store[i] as number,
      category: history.series.get(days.series[i] as number)?.category ?? '',
      day: days.day[i] as number,
      p50: part.p50[k] as number,
    }));
  const checkSplit = splitBySku(asCategoryDays(check), await skuShares(engine, origin - horizon));
  const actual = await skuActuals(engine, origin - horizon + 1, origin);
  const bands = bandsOf(
    checkSplit.map((d) => ({ forecast: d.p50, actual: actual.get(`${d.store}|${d.sku}|${d.day}`) ?? 0 })),
  );
  return splitBySku(asCategoryDays(target), await skuShares(engine, origin)).map((d) => {
    const band = bandOf(bands, d.p50);
    return {
      store: d.store,
      category: d.category,
      sku: d.sku,
      date: isoDay(d.day),
      p10: d.p50 * band.q10,
      p50: d.p50,
      p90: d.p50 * band.q90,
    };
  });
}

async function saveForecast(
  engine: Warehouse,
  options: ForecastOptions,
  origin: number,
  rows: ForecastRow[],
  interval: { q10: number; q90: number },
  seconds: number,
): Promise<number> {
  return engine.transaction(async () => {
    const [row] = await engine.write('SELECT coalesce(max(run_id), 0) + 1 AS id FROM forecast_run');
    const runId = Number(row?.id ?? 1);
    await engine.run(
      `INSERT INTO forecast_run VALUES ($1, CAST($2 AS TIMESTAMP), $3, $4, CAST($5 AS DATE), $6, $7, $8, $9, $10)`,
      [
        runId,
        new Date().toISOString().replace('T', ' ').slice(0, 19),
        options.level,
        options.model,
        isoDay(origin),
        options.horizon,
        new Set(rows.map((r) => `${r.store}|${r.category ?? ''}|${r.sku ?? ''}`)).size,
        seconds,
        interval.q10,
        interval.q90,
      ],
    );
    await insertRows(
      engine,
      'forecast',
      rows.map((r) => ({
        run_id: runId,
        level: options.level,
        model: options.model,
        store_id: r.store,
        category: r.category ?? null,
        sku: r.sku ?? null,
        date: r.date,
        p10: r.p10,
        p50: r.p50,
        p90: r.p90,
      })),
    );
    return runId;
  });
}
