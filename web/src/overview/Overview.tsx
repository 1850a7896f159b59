import { useMemo } from 'react';
import { wholeMonth } from '../../../src/model/periods';
import { useAnswer } from '../analytics/MemberAnalytics';
import { api, type Catalog, type QueryBody } from '../api';
import { Chart } from '../components/Chart';
import { KpiCard } from '../components/KpiCard';
import { Tile } from '../components/Tile';
import { axisFormatter, formatChange, formatNumber, type Lang } from '../format';
import { t } from '../i18n';
import { PALETTE } from '../palette';
import { useQuery } from '../useQuery';

/** Attainment as a dial to 150%, red below 90%, amber to 100%, green above. */
const gaugeOption = (share: number, lang: Lang) => ({
  series: [
    {
      type: 'gauge',
      min: 0,
      max: 150,
      splitNumber: 3,
      radius: '95%',
      axisLine: {
        lineStyle: {
          width: 12,
          color: [
            [0.6, '#D55E00'],
            [0.667, '#E69F00'],
            [1, '#009E73'],
          ],
        },
      },
      pointer: { width: 4 },
      splitLine: { length: 10 },
      axisTick: { show: false },
      axisLabel: { distance: 16, fontSize: 10, formatter: (v: number) => `${v}%` },
      detail: { formatter: (v: number) => `${v.toFixed(1)}%`, fontSize: 22, offsetCenter: [0, '60%'] },
      title: { offsetCenter: [0, '85%'] },
      data: [{ value: Math.round(share * 1000) / 10, name: lang === 'zh' ? '达成率' : 'attainment' }],
    },
  ],
});

export const KPIS = ['net_sales', 'orders', 'atv', 'gross_margin', 'visitors', 'conversion_rate'];
const largest = (rows: Record<string, unknown>[], ...ids: string[]) =>
  Math.max(0, ...rows.flatMap((r) => ids.map((id) => (typeof r[id] === 'number' ? (r[id] as number) : 0))));

/** The headline figures of the period against last year, one card each. */
export function KpiRow({
  catalog,
  lang,
  state,
}: {
  catalog: Catalog;
  lang: Lang;
  state: ReturnType<typeof useQuery>;
}) {
  const row = state.result?.rows[0];
  return (
    <div className="kpis" data-testid="kpi-row">
      {KPIS.map((id) => {
        const m = catalog.metrics.find((x) => x.id === id);
        return (
          <KpiCard
            key={id}
            id={id}
            label={m?.label[lang] ?? id}
            value={row?.[id] ?? null}
            pct={row?.[`${id}_pct`] ?? null}
            delta={row?.[`${id}_delta`] ?? null}
            coverage={state.result?.meta.coverage?.comparison}
            unit={m?.unit}
            higherIsBetter={m?.higherIsBetter ?? true}
            lang={lang}
          />
        );
      })}
    </div>
  );
}

export function Overview({
  catalog,
  lang,
  range,
}: {
  catalog: Catalog;
  lang: Lang;
  range: { from: string; to: string };
}) {
  const bodies = useMemo(() => {
    const base = { timeRange: range, compare: 'yoy' as const };
    return {
      kpis: { ...base, metrics: KPIS } satisfies QueryBody,
      // Day by day, last year is lined up by weekday: a Saturday against a Saturday.
      trend: {
        timeRange: range,
        compare: 'yoy_weekday',
        metrics: ['net_sales'],
        grain: 'day',
      } satisfies QueryBody,
      region: {
        ...base,
        metrics: ['net_sales'],
        dimensions: ['region'],
        order: [{ by: 'net_sales', desc: true }],
      } satisfies QueryBody,
      format: { timeRange: range, metrics: ['net_sales'], dimensions: ['format'] } satisfies QueryBody,
      stores: {
        ...base,
        metrics: ['net_sales', 'orders', 'atv', 'gross_margin'],
        dimensions: ['store'],
        order: [{ by: 'net_sales', desc: true }],
        limit: 10,
      } satisfies QueryBody,
      // The month of the period's last day against its target: attainment to date (the target of the days
      // with sales so far), and the stores by it.
      target: {
        timeRange: wholeMonth(range.to),
        metrics: [
          'net_sales',
          'target_net_sales',
          'attainment_net_sales',
          'projected_net_sales',
          'projected_attainment_net_sales',
        ],
      } satisfies QueryBody,
      targetStores: {
        timeRange: wholeMonth(range.to),
        metrics: ['attainment_net_sales', 'net_sales', 'target_net_sales'],
        dimensions: ['store'],
        order: [{ by: 'attainment_net_sales', desc: true }],
      } satisfies QueryBody,
    };
  }, [range]);

  const kpis = useQuery(bodies.kpis);
  const trend = useQuery(bodies.trend);
  const region = useQuery(bodies.region);
  const format = useQuery(bodies.format);
  const stores = useQuery(bodies.stores);
  const target = useQuery(bodies.target);
  const targetStores = useQuery(bodies.targetStores);

  const trendOption = useMemo(() => {
    const rows = trend.result?.rows ?? [];
    return {
      color: [PALETTE[0], '#95a5a6'],
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatNumber(v, 'CNY', lang) },
      legend: { top: 0, data: [t('thisYear', lang), t('lastYear', lang)] },
      grid: { left: 60, right: 20, top: 36, bottom: 30 },
      xAxis: { type: 'category', data: rows.map((r) => r.day) },
      yAxis: {
        type: 'value',
        axisLabel: { formatter: axisFormatter(largest(rows, 'net_sales', 'net_sales_prev'), 'CNY', lang) },
      },
      series: [
        {
          name: t('thisYear', lang),
          type: 'line',
          smooth: true,
          showSymbol: false,
          data: rows.map((r) => r.net_sales),
        },
        {
          name: t('lastYear', lang),
          type: 'line',
          smooth: true,
          showSymbol: false,
          lineStyle: { type: 'dashed' },
          data: rows.map((r) => r.net_sales_prev),
        },
      ],
    };
  }, [trend.result, lang]);

  const regionOption = useMemo(() => {
    const rows = region.result?.rows ?? [];
    return {
      color: [PALETTE[1]],
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatNumber(v, 'CNY', lang) },
      grid: { left: 60, right: 20, top: 20, bottom: 30 },
      xAxis: { type: 'category', data: rows.map((r) => r.region) },
      yAxis: {
        type: 'value',
        axisLabel: { formatter: axisFormatter(largest(rows, 'net_sales'), 'CNY', lang) },
      },
      series: [{ type: 'bar', data: rows.map((r) => r.net_sales), barMaxWidth: 40 }],
    };
  }, [region.result, lang]);

  const formatOption = useMemo(() => {
    const rows = format.result?.rows ?? [];
    const labels = catalog.dimensions.find((d) => d.id === 'format')?.values ?? {};
    return {
      color: [...PALETTE],
      tooltip: { trigger: 'item', valueFormatter: (v: number) => formatNumber(v, 'CNY', lang) },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['40%', '70%'],
          data: rows.map((r) => ({
            name: labels[String(r.format)]?.[lang] ?? String(r.format),
            value: r.net_sales,
          })),
        },
      ],
    };
  }, [format.result, lang, catalog]);

  return (
    <main className="grid">
      <KpiRow catalog={catalog} lang={lang} state={kpis} />
      <Tile title={t('trend', lang)} state={trend} lang={lang} testId="tile-trend" wide>
        <Chart option={trendOption} testId="chart-trend" />
      </Tile>
      <Tile title={t('byRegion', lang)} state={region} lang={lang} testId="tile-region">
        <Chart option={regionOption} />
      </Tile>
      <Tile title={t('byFormat', lang)} state={format} lang={lang} testId="tile-format">
        <Chart option={formatOption} />
      </Tile>
      {target.result?.rows[0]?.target_net_sales != null && (
        <Tile
          title={
            lang === 'zh'
              ? `本月销售目标达成（${wholeMonth(range.to).from.slice(0, 7)}）`
              : `Sales target, ${wholeMonth(range.to).from.slice(0, 7)}`
          }
          state={target}
          lang={lang}
          testId="tile-attainment"
          wide
        >
          <div className="attainment">
            <Chart
              option={gaugeOption(Number(target.result.rows[0].attainment_net_sales ?? 0), lang)}
              height={220}
            />
            <div>
              <p>
                {lang === 'zh' ? '实际 ' : 'Actual '}
                {formatNumber(target.result.rows[0].net_sales ?? null, 'CNY', lang)}
                {lang === 'zh' ? ' · 全月目标 ' : ' · month target '}
                {formatNumber(target.result.rows[0].target_net_sales ?? null, 'CNY', lang)}
              </p>
              <Projection row={target.result.rows[0]} lang={lang} />
              <p className="muted">
                {lang === 'zh'
                  ? '达成率 = 实际 ÷ 截至最新数据日的分解目标（按去年同期曲线分解到日）'
                  : 'Attainment = actual ÷ the target of the days with data so far (phased by last year’s curve)'}
              </p>
              <table className="table" data-testid="attainment-stores">
                <tbody>
                  {(targetStores.result?.rows ?? [])
                    .filter((r) => r.attainment_net_sales != null)
                    .map((r, i, all) =>
                      i < 5 || i >= all.length - 3 ? (
                        <tr key={String(r.store)}>
                          <td>{i + 1}</td>
                          <td>{String(r.store)}</td>
                          <td className="num">
                            {formatNumber(r.attainment_net_sales ?? null, 'percent', lang)}
                          </td>
                        </tr>
                      ) : null,
                    )}
                </tbody>
              </table>
            </div>
          </div>
        </Tile>
      )}
      <Insights catalog={catalog} lang={lang} dataEnd={range.to} />
      <Tile title={t('topStores', lang)} state={stores} lang={lang} testId="tile-stores" wide>
        <table className="table">
          <thead>
            <tr>
              <th>{t('rank', lang)}</th>
              {stores.result?.columns
                .filter((c) => c.kind !== 'compare' || c.id === 'net_sales_pct')
                .map((c) => (
                  <th key={c.id}>{c.label[lang]}</th>
                ))}
            </tr>
          </thead>
          <tbody>
            {stores.result?.rows.map((row, i) => (
              <tr key={String(row.store)}>
                <td>{i + 1}</td>
                <td>{String(row.store)}</td>
                <td className="num">{formatNumber(row.net_sales ?? null, 'CNY', lang)}</td>
                <td className="num">{formatNumber(row.orders ?? null, 'count', lang)}</td>
                <td className="num">{formatNumber(row.atv ?? null, 'CNY', lang)}</td>
                <td className="num">{formatNumber(row.gross_margin ?? null, 'percent', lang)}</td>
                <td className="num">{formatChange(row.net_sales_pct ?? null, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Tile>
    </main>
  );
}

/**
 * 预计达成: actual plus the newest forecast of the days still to come; without a forecast of them, the month-end
 * at today's pace (attainment so far × the month's target), said as such.
 */
function Projection({ row, lang }: { row: Record<string, unknown>; lang: Lang }) {
  const zh = lang === 'zh';
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const actual = num(row.net_sales);
  const projected = num(row.projected_net_sales);
  const target = num(row.target_net_sales);
  const pace = num(row.attainment_net_sales);
  const byForecast = projected !== null && actual !== null && projected - actual > 0.005;
  const value = byForecast ? projected : pace !== null && target !== null ? pace * target : null;
  const share = byForecast ? num(row.projected_attainment_net_sales) : pace;
  if (value === null) return null;
  return (
    <p data-testid="projection">
      {zh ? '预计月末 ' : 'Month-end, projected '}
      <strong>{formatNumber(value, 'CNY', lang)}</strong>
      {zh ? '，预计达成 ' : ', attainment '}
      <strong>{formatNumber(share, 'percent', lang)}</strong>
      <span className="muted">
        {byForecast
          ? zh
            ? '（实际 + 最新门店预测的余下日子）'
            : ' (actual + the newest store forecast of the days to come)'
          : zh
            ? '（余下日子尚无预测：按当前达成进度推算）'
            : ' (no forecast of the days to come: at today’s pace)'}
      </span>
    </p>
  );
}

/**
 * 智能洞察: the week's anomalies in the caller's stores, largest money first, each with why — on the chain's
 * overview and on a store manager's home alike (the server names only the caller's stores).
 */
export function Insights({ catalog, lang, dataEnd }: { catalog: Catalog; lang: Lang; dataEnd: string }) {
  const zh = lang === 'zh';
  const { data: answer, error } = useAnswer(() => api.insights(7), dataEnd);
  if (error || !answer) return null;
  const label = (kpi: string) => catalog.metrics.find((m) => m.id === kpi)?.label[lang] ?? kpi;
  const unit = (kpi: string) => catalog.metrics.find((m) => m.id === kpi)?.unit ?? 'count';
  return (
    <section className="card tile wide" data-testid="tile-insights">
      <h2>{zh ? '智能洞察（近7天异常）' : 'Insights: anomalies of the last 7 days'}</h2>
      {answer.insights.length === 0 ? (
        <p className="tile-message">{zh ? '近7天未发现异常' : 'Nothing out of range in the last 7 days'}</p>
      ) : (
        <ul className="insights">
          {answer.insights.slice(0, 6).map((i) => (
            <li key={`${i.store}${i.from}`}>
              <strong>{i.store}</strong>{' '}
              <span className="muted">{i.from === i.to ? i.from : `${i.from} … ${i.to}`}</span>
              <br />
              {label(i.lead.kpi)} {formatNumber(i.lead.actual, unit(i.lead.kpi), lang)}
              {zh ? '，预期 ' : ', expected '}
              {formatNumber(i.lead.low, unit(i.lead.kpi), lang)} …{' '}
              {formatNumber(i.lead.high, unit(i.lead.kpi), lang)}
              {zh ? '，影响约 ' : ', worth about '}
              {formatNumber(i.impact, 'CNY', lang)}
              {i.why && <div className="muted">{i.why.summary[lang]}</div>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
