import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, api, can, type ForecastRun, type ForecastStatus, type QueryBody } from '../api';
import { chainLocal } from '../chain-time';
import { Chart } from '../components/Chart';
import { Tile, type TileState } from '../components/Tile';
import { addDays, formatNumber, type Lang } from '../format';
import { t } from '../i18n';
import { PALETTE } from '../palette';
import { Replenishment } from '../replenish/Replenishment';
import { type QueryState, useQuery } from '../useQuery';

const SCORED_DAYS = 28;
const asError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(String(e), String(e)));

/** While a run trains, how far it has got (the server trains off its main thread, so it answers meanwhile). */
function useRunProgress(active: boolean) {
  const [progress, setProgress] = useState<{
    running: boolean;
    share?: number;
    seconds?: number;
    queued?: number;
  } | null>(null);
  useEffect(() => {
    if (!active) {
      setProgress(null);
      return;
    }
    let stopped = false;
    const poll = () =>
      api
        .forecastProgress()
        .then((p) => {
          if (!stopped) setProgress(p);
        })
        .catch(() => undefined);
    const timer = setInterval(poll, 1000);
    poll();
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [active]);
  return progress;
}

/** The warehouse keeps run times in UTC without a zone ("2026-12-01 22:19:05"); the page shows chain time. */
const utcInstant = (stamp: string) => `${stamp.replace(' ', 'T')}Z`;

/** When the forecast was last refreshed, how it did on the last day with sales, and the nightly schedule. */
function RefreshStatus({ status, lang }: { status: ForecastStatus; lang: Lang }) {
  const { lastRun, lastDay } = status;
  return (
    <p className="tile-message" data-testid="forecast-status">
      {lastRun && (
        <span data-testid="last-finished">
          {t('lastFinished', lang)} {chainLocal(utcInstant(lastRun.createdAt))} ·{' '}
          {Math.round(lastRun.seconds)} s
        </span>
      )}
      {lastDay && (
        <span data-testid="last-day-accuracy" data-raw={lastDay.accuracy}>
          {' · '}
          {lastDay.date} {t('lastDayAccuracy', lang)} {formatNumber(lastDay.accuracy, 'percent', lang)} (
          {formatNumber(lastDay.stores, 'count', lang)} {t('lastDayStores', lang)})
        </span>
      )}
      <br />
      <span data-testid="nightly">
        {status.schedule && status.nextRun
          ? `${t('nightlyNext', lang)} ${chainLocal(status.nextRun)} (${status.schedule})`
          : t('nightlyOff', lang)}
      </span>
      {status.lastError && (
        <span className="error" role="alert">
          {' · '}
          {t('nightlyFailed', lang)}: {status.lastError}
        </span>
      )}
    </p>
  );
}

/**
 * Forecast against actual (by day, region and store) and the replenishment list. Everything is read
 * through the catalogue (forecast_sales, forecast_accuracy) and the public forecast and replenish APIs.
 */
export function ForecastPage({ lang, dataEnd }: { lang: Lang; dataEnd: string }) {
  const [runs, setRuns] = useState<ForecastRun[] | null>(null);
  const [status, setStatus] = useState<ForecastStatus | null>(null);
  const [refresh, setRefresh] = useState(0);
  const [busy, setBusy] = useState<'future' | 'backtest' | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const progress = useRunProgress(busy !== null);

  const loadRuns = useCallback(() => {
    api
      .forecastRuns()
      .then((r) => setRuns(r.runs))
      .catch((e: unknown) => setError(asError(e)));
    api
      .forecastStatus()
      .then(setStatus)
      .catch((e: unknown) => setError(asError(e)));
  }, []);
  useEffect(loadRuns, [loadRuns]);

  const scored = useMemo(() => ({ from: addDays(dataEnd, -(SCORED_DAYS - 1)), to: dataEnd }), [dataEnd]);
  const run = useCallback(
    (kind: 'future' | 'backtest') => {
      setBusy(kind);
      setError(null);
      // A backtest forecasts the last 28 days from the day before them, so they can be scored.
      api
        .forecast({ level: 'store', horizon: 28, ...(kind === 'backtest' ? { from: scored.from } : {}) })
        .then(() => {
          setRefresh((n) => n + 1);
          loadRuns();
        })
        .catch((e: unknown) => setError(asError(e)))
        .finally(() => setBusy(null));
    },
    [scored.from, loadRuns],
  );

  const bodies = useMemo(
    () => ({
      daily: {
        metrics: ['net_sales', 'forecast_sales'],
        grain: 'day',
        timeRange: { from: addDays(dataEnd, -(2 * SCORED_DAYS - 1)), to: addDays(dataEnd, SCORED_DAYS) },
      } satisfies QueryBody,
      chain: {
        metrics: ['forecast_accuracy', 'forecast_actual_ratio'],
        timeRange: scored,
      } satisfies QueryBody,
      region: {
        metrics: ['net_sales', 'forecast_sales', 'forecast_accuracy'],
        dimensions: ['region'],
        timeRange: scored,
        order: [{ by: 'net_sales', desc: true }],
      } satisfies QueryBody,
      stores: {
        metrics: ['net_sales', 'forecast_sales', 'forecast_accuracy', 'forecast_actual_ratio'],
        dimensions: ['store'],
        timeRange: scored,
        order: [{ by: 'forecast_accuracy', desc: false }],
        limit: 500,
      } satisfies QueryBody,
    }),
    [dataEnd, scored],
  );
  const daily = useQuery(bodies.daily, refresh);
  const chain = useQuery(bodies.chain, refresh);
  const region = useQuery(bodies.region, refresh);
  const stores = useQuery(bodies.stores, refresh);
  const dailyOption = useActualVsForecast(daily, lang, 'day');
  const regionOption = useActualVsForecast(region, lang, 'region');
  const latest = runs?.find((r) => r.level === 'store');
  const accuracy = chain.result?.rows[0]?.forecast_accuracy ?? null;

  return (
    <main className="grid">
      <section className="card tile wide run-bar" data-testid="forecast-runs" aria-busy={busy !== null}>
        <div>
          <h2>{t('latestRun', lang)}</h2>
          {runs && !latest && <p className="tile-message">{t('noRun', lang)}</p>}
          {latest && (
            <p data-testid="latest-run">
              #{latest.runId} · {modelName(latest.model, lang)} · {t('runOrigin', lang)} {latest.origin} ·{' '}
              {latest.horizon} {t('runDays', lang)} · {chainLocal(utcInstant(latest.createdAt))}
            </p>
          )}
          {status && <RefreshStatus status={status} lang={lang} />}
          {busy && (
            <p className="tile-message run-progress">
              {t('training', lang)}
              <progress
                data-testid="forecast-progress"
                aria-label={t('training', lang)}
                data-share={progress?.share ?? 0}
                value={progress?.share ?? 0}
                max={1}
              />
              {progress?.running && (
                <span>
                  {Math.round((progress.share ?? 0) * 100)}% · {Math.round(progress.seconds ?? 0)} s
                  {(progress.queued ?? 0) > 0 && ` · ${progress.queued} ${t('queuedRuns', lang)}`}
                </span>
              )}
            </p>
          )}
          {error && (
            <p className="tile-message error" role="alert">
              {lang === 'zh' ? error.messageZh : error.message}
            </p>
          )}
        </div>
        <div className="run-score">
          <span>{t('chainAccuracy', lang)}</span>
          <strong data-testid="chain-accuracy" data-raw={typeof accuracy === 'number' ? accuracy : ''}>
            {formatNumber(accuracy, 'percent', lang)}
          </strong>
        </div>
        <div className="run-actions" hidden={!can('forecast.run')}>
          <button
            type="button"
            disabled={busy !== null}
            onClick={() => run('backtest')}
            data-testid="run-backtest"
          >
            {t('runBacktest', lang)}
          </button>
          <button
            type="button"
            disabled={busy !== null}
            onClick={() => run('future')}
            data-testid="run-future"
          >
            {t('runFuture', lang)}
          </button>
        </div>
      </section>
      {runs && !latest ? (
        // Before the first run there is nothing to compare: say so, not "no data in this period".
        <p className="banner wide" data-testid="no-forecast-yet">
          {t(can('forecast.run') ? 'noForecastYet' : 'noForecastYetAsk', lang)}
        </p>
      ) : (
        <>
          <Tile title={t('dailyForecast', lang)} state={daily} lang={lang} testId="tile-forecast-daily" wide>
            <Chart option={dailyOption} testId="chart-forecast-daily" />
          </Tile>
          <Tile title={t('regionForecast', lang)} state={region} lang={lang} testId="tile-forecast-region">
            <Chart option={regionOption} />
          </Tile>
          <StoreAccuracy state={stores} lang={lang} />
        </>
      )}
      <Replenishment lang={lang} />
    </main>
  );
}

/** The model a run trained, in words (the CLI's names are gbt, median_8 …). */
const MODEL_NAMES: Record<string, Record<Lang, string>> = {
  gbt: { zh: '梯度提升树', en: 'gradient-boosted trees' },
  median_8: { zh: '近8周同日中位数', en: 'median of the last 8 like days' },
  seasonal_naive: { zh: '季节朴素法', en: 'seasonal naive' },
  ets: { zh: '指数平滑 (ETS)', en: 'exponential smoothing (ETS)' },
};
const modelName = (model: string, lang: Lang) => MODEL_NAMES[model]?.[lang] ?? model;

/** Actual beside forecast sales along one axis: lines by day, bars by region. */
function useActualVsForecast(state: QueryState, lang: Lang, axis: 'day' | 'region') {
  return useMemo(() => {
    const rows = state.result?.rows ?? [];
    const type = axis === 'day' ? 'line' : 'bar';
    const look = axis === 'day' ? { showSymbol: false } : { barMaxWidth: 28 };
    return {
      // Actual in blue, forecast in vermillion: apart for red–green colour-blind readers too.
      color: [PALETTE[1], PALETTE[0]],
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatNumber(v, 'CNY', lang) },
      legend: { top: 0, data: [t('actual', lang), t('forecastLine', lang)] },
      grid: { left: 60, right: 20, top: 36, bottom: 30 },
      xAxis: { type: 'category', data: rows.map((r) => r[axis]) },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatNumber(v, undefined, lang) } },
      series: [
        { name: t('actual', lang), type, ...look, data: rows.map((r) => r.net_sales) },
        {
          name: t('forecastLine', lang),
          type,
          ...look,
          ...(axis === 'day' ? { lineStyle: { type: 'dashed' } } : {}),
          data: rows.map((r) => r.forecast_sales),
        },
      ],
    };
  }, [state.result, lang, axis]);
}

/** Green from 90%, amber from 80%, red below: what a planner looks at first. */
const accuracyClass = (v: unknown) =>
  typeof v !== 'number' ? '' : v >= 0.9 ? 'good' : v >= 0.8 ? 'fair' : 'bad';

function StoreAccuracy({ state, lang }: { state: QueryState; lang: Lang }) {
  // Stores with no scored day (closed, or not forecast) have no accuracy: left out, not shown as 0%.
  const rows = (state.result?.rows ?? []).filter((r) => typeof r.forecast_accuracy === 'number');
  const shown: TileState = { ...state, result: state.result ? { rows } : null };
  return (
    <Tile title={t('storeAccuracy', lang)} state={shown} lang={lang} testId="tile-store-accuracy">
      {rows.length === 0 ? null : (
        <div className="scroll">
          <table className="table">
            <thead>
              <tr>
                <th>{t('store', lang)}</th>
                <th className="num">{t('actual', lang)}</th>
                <th className="num">{t('forecastLine', lang)}</th>
                <th className="num">{lang === 'zh' ? '准确率' : 'Accuracy'}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={String(r.store)}>
                  <td>{String(r.store)}</td>
                  <td className="num">{formatNumber(r.net_sales ?? null, 'CNY', lang)}</td>
                  <td className="num">{formatNumber(r.forecast_sales ?? null, 'CNY', lang)}</td>
                  <td
                    className={`num ${accuracyClass(r.forecast_accuracy)}`}
                    data-raw={String(r.forecast_accuracy)}
                  >
                    {formatNumber(r.forecast_accuracy ?? null, 'percent', lang)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Tile>
  );
}
