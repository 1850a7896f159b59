import type { Catalog, QueryResult } from '../api';
import { formatNumber, type Lang } from '../format';
import { PALETTE } from '../palette';
import { valueLabel } from './chart';
import type { Exploration } from './state';

const WEEKDAYS = {
  zh: ['一', '二', '三', '四', '五', '六', '日'],
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
};

/** A donut of the first metric's shares across the first dimension (only for metrics whose parts add up). */
export function pieOption(result: QueryResult, e: Exploration, catalog: Catalog, lang: Lang) {
  const [dim] = e.dimensions as [string];
  const metric = e.metrics[0] as string;
  const unit = catalog.metrics.find((m) => m.id === metric)?.unit;
  return {
    color: [...PALETTE],
    tooltip: { trigger: 'item', valueFormatter: (v: number) => formatNumber(v, unit, lang) },
    legend: { bottom: 0, type: 'scroll' },
    series: [
      {
        type: 'pie',
        radius: ['40%', '70%'],
        data: result.rows.map((r) => ({
          name: valueLabel(catalog, dim, r[dim], lang),
          value: r[metric],
          raw: String(r[dim] ?? ''),
        })),
      },
    ],
  };
}

/** A heat map of the first metric by hour of day (across) and weekday (down): when shoppers come. */
export function heatmapOption(result: QueryResult, e: Exploration, catalog: Catalog, lang: Lang) {
  const metric = e.metrics[0] as string;
  const unit = catalog.metrics.find((m) => m.id === metric)?.unit;
  const hours = Array.from({ length: 24 }, (_, h) => h);
  const values = result.rows
    .filter((r) => typeof r[metric] === 'number')
    .map((r) => [Number(r.hour_of_day), Number(r.weekday) - 1, r[metric] as number]);
  const numbers = values.map((v) => v[2] as number);
  return {
    tooltip: {
      formatter: (p: { value: number[] }) =>
        `${WEEKDAYS[lang][p.value[1] as number]} ${p.value[0]}:00 — ${formatNumber(p.value[2] as number, unit, lang)}`,
    },
    grid: { left: 50, right: 20, top: 20, bottom: 70 },
    xAxis: { type: 'category', data: hours.map((h) => `${h}`), splitArea: { show: true } },
    yAxis: { type: 'category', data: WEEKDAYS[lang], splitArea: { show: true } },
    visualMap: {
      min: numbers.length ? Math.min(...numbers) : 0,
      max: numbers.length ? Math.max(...numbers) : 1,
      calculable: true,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      // Light to dark in one hue family and then vermillion: read by lightness, not by hue alone.
      inRange: { color: ['#f0f6fb', PALETTE[1], PALETTE[0]] },
      formatter: (v: number) => formatNumber(v, unit, lang),
    },
    series: [{ type: 'heatmap', data: values, label: { show: false } }],
  };
}
