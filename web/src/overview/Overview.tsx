import { useMemo } from 'react';
import type { Catalog, QueryBody } from '../api';
import { Chart } from '../components/Chart';
import { KpiCard } from '../components/KpiCard';
import { Tile } from '../components/Tile';
import { axisFormatter, formatChange, formatNumber, type Lang } from '../format';
import { t } from '../i18n';
import { PALETTE } from '../palette';
import { useQuery } from '../useQuery';

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
    };
  }, [range]);

  const kpis = useQuery(bodies.kpis);
  const trend = useQuery(bodies.trend);
  const region = useQuery(bodies.region);
  const format = useQuery(bodies.format);
  const stores = useQuery(bodies.stores);

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
