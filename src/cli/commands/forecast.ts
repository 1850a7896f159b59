import { writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  backtest,
  checkSchedule,
  dayNumber,
  ENSEMBLE,
  FORECAST_BOOST,
  type ForecastLevel,
  type ForecastRow,
  forecastSales,
  isoDay,
  LEVELS,
  lastDayAccuracy,
  lastSalesDay,
  MODELS,
  type ModelName,
  nextScheduled,
  readHistory,
} from '../../insights/index.js';
import { chainLocal, ZhongtaiError } from '../../model/index.js';
import { openDb } from '../open.js';
import { DEFAULT_DB, integer } from '../options.js';
import { progressReporter } from '../progress.js';

const isoDate = (name: string) => (value: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
    throw new InvalidArgumentError(`${name} must be a date YYYY-MM-DD (${name} 须为日期 YYYY-MM-DD)`);
  return value;
};

const roundsOption = () =>
  new Option('--rounds <n>', 'trees in the boosted model (fewer: faster, less accurate)')
    .argParser(integer('rounds'))
    .default(FORECAST_BOOST.rounds);

const membersOption = () =>
  new Option(
    '--members <n>',
    `members of the tree ensemble, 1–${ENSEMBLE.length} (each sees other features; fewer: faster, a little less accurate)`,
  )
    .argParser((value) => {
      const n = integer('members')(value);
      if (n < 1 || n > ENSEMBLE.length)
        throw new InvalidArgumentError(
          `members must be 1–${ENSEMBLE.length} (members 须为 1–${ENSEMBLE.length})`,
        );
      return n;
    })
    .default(ENSEMBLE.length);

const levelOption = () =>
  new Option(
    '--level <level>',
    'what to forecast: store 门店, category 门店×品类, store-sku 门店×商品 (split from the category forecast)',
  )
    .choices([...LEVELS])
    .default('store');

/** A category name may hold a comma or a quote: CSV-quote it. */
const csvText = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

function csvOf(level: ForecastLevel, rows: ForecastRow[]): string {
  const head = { store: 'store', category: 'store,category', 'store-sku': 'store,sku' }[level];
  const key = (r: ForecastRow) =>
    level === 'store'
      ? `${r.store}`
      : level === 'category'
        ? `${r.store},${csvText(r.category ?? '')}`
        : `${r.store},${r.sku}`;
  const lines = rows.map(
    (r) => `${key(r)},${r.date},${r.p10.toFixed(2)},${r.p50.toFixed(2)},${r.p90.toFixed(2)}`,
  );
  return `${head},date,p10,p50,p90\n${lines.join('\n')}\n`;
}

/** Waits until an instant (timers hold at most ~24 days, so in steps). */
async function untilTime(at: Date): Promise<void> {
  for (let left = at.getTime() - Date.now(); left > 0; left = at.getTime() - Date.now())
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, 2 ** 31 - 1)));
}

interface ForecastCliOptions {
  db: string;
  level: string;
  horizon: number;
  from?: string;
  model: string;
  out?: string;
  rounds: number;
  members: number;
}

/** One forecast run, saved in the data file, with how the newest run did on the last day with sales. */
async function forecastOnce(opts: ForecastCliOptions): Promise<void> {
  const engine = await openDb(opts.db, false);
  const bar = progressReporter();
  try {
    const result = await forecastSales(engine, {
      level: opts.level as ForecastLevel,
      horizon: opts.horizon,
      ...(opts.from ? { from: opts.from } : {}),
      model: opts.model as ModelName,
      boost: { rounds: opts.rounds },
      members: opts.members,
      onProgress: (step, share) => bar.update(step, Math.round(share * 100), 100),
    });
    bar.stop();
    if (opts.out) writeFileSync(opts.out, csvOf(result.level, result.rows));
    const stores = new Set(result.rows.map((r) => r.store)).size;
    const series = new Set(result.rows.map((r) => `${r.store}|${r.category ?? ''}|${r.sku ?? ''}`)).size;
    const what = result.level === 'store' ? `${stores} stores` : `${series} series in ${stores} stores`;
    console.log(
      `Forecast run ${result.runId} 预测完成: ${what} × ${opts.horizon} days from ${isoDay(dayNumber(result.origin) + 1)} (${result.model}), ${result.rows.length} rows in ${result.seconds.toFixed(1)} s` +
        `; interval P10…P90 = ×${Math.exp(result.interval.q10).toFixed(3)}…×${Math.exp(result.interval.q90).toFixed(3)} of P50` +
        (opts.out ? `; written to ${opts.out}` : ''),
    );
    const lastDay = await lastDayAccuracy(engine);
    if (lastDay)
      console.log(
        `On ${lastDay.date}, the last day with sales, run ${lastDay.runId} (made from ${lastDay.origin}) was ${(lastDay.accuracy * 100).toFixed(1)}% accurate over ${lastDay.stores} stores 最近一天预测准确率`,
      );
  } finally {
    bar.stop();
    await engine.close();
  }
}

export function forecastCommands(program: Command): void {
  program
    .command('forecast')
    .description('forecast daily sales with P10/P50/P90, written to the warehouse 销售预测')
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .addOption(levelOption())
    .option('--horizon <days>', 'days to forecast', integer('horizon'), 42)
    .option(
      '--from <date>',
      'first day to forecast (default: the day after the last sales)',
      isoDate('--from'),
    )
    .addOption(new Option('--model <model>', 'model').choices([...MODELS]).default('gbt'))
    .option('--out <file>', 'also write the forecast as CSV: store,date,p10,p50,p90')
    .addOption(roundsOption())
    .addOption(membersOption())
    .addHelpText(
      'after',
      `
Days come from the plan where one was imported (store_day: open, promotion, holidays — e.g. with
examples/rossmann/future.yaml); a day without a plan is open if the store usually opens on that weekday.
A closed day is forecast as zero.

Examples:
  zhongtai forecast --db data/zhongtai.duckdb --horizon 28
  zhongtai forecast --db rossmann.duckdb --level store --horizon 42 --out forecast.csv
  zhongtai forecast --db data/zhongtai.duckdb --schedule "30 2 * * *"   # every night at 02:30 (chain time)
(the server can do the same: zhongtai serve --forecast-schedule "30 2 * * *")`,
    )
    .option(
      '--schedule <cron>',
      'keep running and retrain on this schedule, chain time (e.g. "30 2 * * *", after the night\'s loads) 定时刷新',
    )
    .action(async (opts) => {
      if (!opts.schedule) {
        await forecastOnce(opts);
        return;
      }
      const schedule = checkSchedule(opts.schedule);
      // One run after another for as long as the process lives; a failed night is reported and the next one
      // tried (the data file is opened only for a run, so loads may write to it in between).
      for (;;) {
        const at = nextScheduled(schedule, new Date());
        console.log(
          `Next forecast run at ${chainLocal(at).time} (chain time) 下次预测刷新：${chainLocal(at).time}（Ctrl-C to stop 停止）`,
        );
        await untilTime(at);
        try {
          await forecastOnce(opts);
        } catch (error) {
          console.error(
            `Scheduled forecast failed 定时预测失败: ${error instanceof Error ? error.message : error}`,
          );
        }
      }
    });

  program
    .command('backtest')
    .description('rolling-origin backtest of every model: WAPE, accuracy, RMSPE, bias 预测回测')
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .addOption(levelOption())
    .option('--horizon <days>', 'days each window forecasts', integer('horizon'), 42)
    .option('--folds <n>', 'windows, each `horizon` days before the next', integer('folds'), 3)
    .option(
      '--until <date>',
      'last day of the last window (default: the last day with sales)',
      isoDate('--until'),
    )
    .addOption(roundsOption())
    .addOption(membersOption())
    .addHelpText(
      'after',
      `
Each window is forecast from what was known the day before it; scores count open days with sales.
准确率 = 1 − WAPE. RMSPE is the Rossmann competition's metric.

Example:
  zhongtai backtest --db rossmann.duckdb --level store --horizon 42 --folds 3`,
    )
    .action(async (opts) => {
      if (opts.level === 'store-sku')
        throw new ZhongtaiError('BAD_REQUEST', {
          en: 'backtest runs at --level store or category; store × SKU forecasts split the category ones, so --level category measures their model',
          zh: '回测支持 --level store 或 category；门店×商品预测由品类预测拆分而来，请用 --level category 评估其模型',
        });
      const engine = await openDb(opts.db, false, true);
      const bar = progressReporter();
      try {
        const last = dayNumber(opts.until ?? (await lastSalesDay(engine)));
        const origins = Array.from({ length: opts.folds }, (_, k) => last - opts.horizon * (k + 1)).reverse();
        const history = await readHistory(
          engine,
          isoDay((origins[0] as number) - 3 * 365),
          isoDay(last),
          undefined,
          opts.level,
        );
        const folds = await backtest(
          history,
          MODELS.map((model) => ({ model, boost: { rounds: opts.rounds }, members: opts.members })),
          origins,
          opts.horizon,
          (share) => bar.update('回测 / backtesting', Math.round(share * 100), 100),
        );
        bar.stop();
        const lines = [['window', 'model', 'days', 'WAPE', '准确率 accuracy', 'RMSPE', 'bias']];
        for (const f of folds) {
          const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
          lines.push([
            `${isoDay(f.origin + 1)}…${isoDay(f.origin + opts.horizon)}`,
            f.model,
            String(f.accuracy.days),
            pct(f.accuracy.wape),
            pct(f.accuracy.accuracy),
            f.accuracy.rmspe.toFixed(4),
            pct(f.accuracy.bias),
          ]);
        }
        const widths = (lines[0] as string[]).map((_, i) =>
          Math.max(...lines.map((l) => (l[i] ?? '').length)),
        );
        for (const l of lines) console.log(l.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  '));
      } finally {
        bar.stop();
        await engine.close();
      }
    });
}
