import type { Catalog, QueryResult, Row } from '../api';
import { axisFormatter, formatNumber, type Lang } from '../format';
import { PALETTE } from '../palette';
import { type Exploration, TIME_DIMS } from './state';

/** The chart a question wants when the user has not chosen: a line along time, bars across anything else. */
/** Hour of day and weekday together: a heat map of when shoppers come. */
const isHourByWeekday = (e: Exploration) =>
  e.dimensions.length === 2 && e.dimensions.includes('hour_of_day') && e.dimensions.includes('weekday');

export function chartKind(
  e: Exploration,
): 'kpi' | 'line' | 'bar' | 'table' | 'pivot' | 'pie' | 'heatmap' | 'multiples' {
  if (e.chart === 'table') return 'table';
  if (e.dimensions.length === 0) return 'kpi';
  if (e.chart === 'pivot') return e.dimensions.length >= 2 ? 'pivot' : 'table';
  if (e.chart === 'multiples') return e.dimensions.length === 2 ? 'multiples' : 'bar';
  if (e.chart === 'pie') return e.dimensions.length === 1 ? 'pie' : 'bar';
  if (e.chart === 'heatmap' || (e.chart === 'auto' && isHourByWeekday(e)))
    return isHourByWeekday(e) ? 'heatmap' : 'bar';
  if (e.chart !== 'auto') return e.chart;
  return TIME_DIMS.includes(e.dimensions[0] ?? '') ? 'line' : 'bar';
}

/** A value of a dimension as people read it: coded values (formats, channels, tiers) by their label. */
const WEEKDAY_NAMES = {
  zh: ['周一', '周二', '周三', '周四', '周五', '周六', '周日'],
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
};

export function valueLabel(catalog: Catalog, dimension: string, value: unknown, lang: Lang): string {
  const text = value === null || value === undefined ? '—' : String(value);
  if (text === '\u0000others') return lang === 'zh' ? '其他' : 'Others';
  if (dimension === 'weekday') return WEEKDAY_NAMES[lang][Number(value) - 1] ?? text;
  if (dimension === 'hour_of_day' && text !== '—') return `${text}:00`;
  return catalog.dimensions.find((d) => d.id === dimension)?.values?.[text]?.[lang] ?? text;
}

/** The reference line's value over the first metric's values: average, median or a target. */
export function referenceValue(e: Exploration, values: number[]): number | null {
  if (!e.reference || e.reference === 'trend' || values.length === 0) return null;
  if (e.reference === 'target') return typeof e.target === 'number' ? e.target : null;
  if (e.reference === 'average') return values.reduce((a, b) => a + b, 0) / values.length;
  const sorted = [...values].sort((a, b) => a - b);
  // The 90th percentile by nearest rank: the value at or below which nine in ten fall.
  if (e.reference === 'p90') return sorted[Math.max(0, Math.ceil(0.9 * sorted.length) - 1)] as number;
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Dimensions read in their own order along the axis (hours, weekdays): never laid sideways. */
const ORDINAL = ['hour_of_day', 'weekday'];

/**
 * `whole`: the first metric over every row shown, computed by the server from summed parts (the same question
 * without the axis). A ratio's or an average's 平均值 is that, weighted — never the mean of the rows' ratios.
 */
export function chartOption(
  result: QueryResult,
  e: Exploration,
  catalog: Catalog,
  lang: Lang,
  whole: number | null = null,
  /** Small multiples: every panel's categories in one order, drawn upright. */
  shared?: { order: string[] },
) {
  const [axis, split] = e.dimensions as [string, string | undefined];
  const kind = chartKind(e);
  const metric = (id: string) => catalog.metrics.find((m) => m.id === id);
  const categories = shared?.order ?? [...new Set(result.rows.map((r) => String(r[axis] ?? '')))];
  const label = (v: string) => valueLabel(catalog, axis, v, lang);
  const type = kind === 'line' ? 'line' : 'bar';
  const units = [...new Set(e.metrics.map((m) => metric(m)?.unit ?? ''))];
  const series: object[] = [];
  const valuesOf = (rows: Row[], id: string) =>
    categories.map((c) => {
      const row = rows.find((r) => String(r[axis] ?? '') === c);
      return typeof row?.[id] === 'number' ? (row[id] as number) : null;
    });
  if (split) {
    // Split into series by the second dimension: one series per value, first metric only; stacked only
    // when the parts add up to the whole (sales, counts), never for ratios.
    const first = e.metrics[0] as string;
    const adds = ['CNY', 'count'].includes(metric(first)?.unit ?? '');
    for (const value of [...new Set(result.rows.map((r) => String(r[split] ?? '')))]) {
      const rows = result.rows.filter((r) => String(r[split] ?? '') === value);
      series.push({
        name: valueLabel(catalog, split, value, lang),
        type,
        stack: type === 'bar' && adds ? 'split' : undefined,
        showSymbol: false,
        data: valuesOf(rows, first),
      });
    }
  } else {
    for (const id of e.metrics) {
      const yAxisIndex = Math.max(0, units.indexOf(metric(id)?.unit ?? ''));
      // Combo: bars on the first axis, a line on the second (sales as bars, a margin as a line).
      const own = type === 'bar' && yAxisIndex > 0 ? 'line' : type;
      series.push({
        name: metric(id)?.label[lang] ?? id,
        type: own,
        yAxisIndex: Math.min(yAxisIndex, 1),
        showSymbol: false,
        barMaxWidth: 36,
        data: valuesOf(result.rows, id),
      });
      if (e.compare)
        series.push({
          name: `${metric(id)?.label[lang] ?? id} ${lang === 'zh' ? '对比期' : '(comparison)'}`,
          type: own,
          yAxisIndex: Math.min(yAxisIndex, 1),
          showSymbol: false,
          barMaxWidth: 36,
          lineStyle: { type: 'dashed' },
          itemStyle: { opacity: 0.45 },
          data: valuesOf(result.rows, `${id}_prev`),
        });
    }
  }
  const firstSeries = valuesOf(result.rows, e.metrics[0] as string);
  const firstValues = firstSeries.filter((v): v is number => v !== null);
  const firstMetric = metric(e.metrics[0] as string);
  const weighted = e.reference === 'average' && firstMetric?.additive === false;
  const reference = split ? null : weighted ? whole : referenceValue(e, firstValues);
  // A least-squares line through the first metric's values along the axis, from the first bucket to the last.
  const trend = !split && e.reference === 'trend' ? trendOf(firstSeries) : null;
  if (trend && series[0])
    Object.assign(series[0], {
      markLine: {
        symbol: 'none',
        lineStyle: { type: 'dashed' },
        label: { show: false },
        data: [
          [
            { coord: [0, trend.at(0)] },
            { coord: [firstSeries.length - 1, trend.at(firstSeries.length - 1)] },
          ],
        ],
      },
    });
  if (reference !== null && series[0])
    Object.assign(series[0], {
      markLine: {
        symbol: 'none',
        label: {
          formatter: `${weighted ? (lang === 'zh' ? '加权平均 ' : 'weighted avg ') : ''}${formatNumber(reference, units[0], lang)}`,
        },
        data: [{ yAxis: reference }],
      },
    });
  // Months (weeks, years) holding data on only part of their days are shaded and say so, not drawn as cliffs.
  const partial = result.meta.coverage?.buckets ?? {};
  const shaded = TIME_DIMS.includes(axis) ? categories.filter((c) => partial[c.slice(0, 10)]) : [];
  if (shaded.length && series[0])
    Object.assign(series[0], {
      markArea: {
        silent: true,
        itemStyle: { color: 'rgba(148, 163, 184, 0.18)' },
        label: { position: 'insideTop', color: '#64748b', fontSize: 11 },
        data: shaded.map((c) => {
          const { days, daysWithData } = partial[c.slice(0, 10)] as { days: number; daysWithData: number };
          const name =
            lang === 'zh' ? `不完整 ${daysWithData}/${days}天` : `partial ${daysWithData}/${days} d`;
          return [{ xAxis: c, name }, { xAxis: c }];
        }),
      },
    });
  // One scale and one number of decimals per axis, from the largest value it shows.
  const largest = (unit: string) =>
    Math.max(
      0,
      ...series
        .filter((s) => ((s as { yAxisIndex?: number }).yAxisIndex ?? 0) === Math.min(units.indexOf(unit), 1))
        .flatMap((s) => ((s as { data: (number | null)[] }).data ?? []).map((v) => Math.abs(v ?? 0))),
      reference === null ? 0 : Math.abs(reference),
    );
  // A second axis draws no gridlines of its own: two sets that do not line up read as noise.
  const valueAxes = units.slice(0, 2).map((unit, k) => ({
    type: 'value',
    axisLabel: { formatter: axisFormatter(largest(unit), unit, lang) },
    ...(k > 0 ? { splitLine: { show: false } } : {}),
  }));
  // Many long names (stores, products) lie along a vertical axis, one per line, instead of slanting
  // into each other; the chart grows to fit them.
  const longest = Math.max(0, ...categories.map((c) => label(c).length));
  const sideways =
    !shared &&
    kind === 'bar' &&
    e.reference !== 'trend' &&
    units.length === 1 &&
    !TIME_DIMS.includes(axis) &&
    !ORDINAL.includes(axis) &&
    categories.length > 8 &&
    longest > 4;
  const categoryAxis = {
    type: 'category',
    data: categories,
    // A click on a label picks its value too, not only a click on the mark.
    triggerEvent: true,
    ...(sideways ? { inverse: true } : {}),
    axisLabel: sideways
      ? { formatter: label, interval: 0, width: 150, overflow: 'truncate' }
      : {
          formatter: label,
          interval: kind === 'bar' ? 0 : 'auto',
          hideOverlap: true,
          rotate: categories.length > 12 || (kind === 'bar' && categories.length > 6) ? 35 : 0,
        },
  };
  if (sideways)
    for (const s of series) {
      const mark = (s as { markLine?: { data: object[]; label?: object } }).markLine;
      // The reference line runs across the values, now along x, its label above the bars, not on the axis.
      if (mark && reference !== null && !trend) {
        mark.data = [{ xAxis: reference }];
        // The category axis runs top-down (inverse), so the line starts at the top: its label goes there.
        mark.label = { ...mark.label, position: 'start' };
      }
    }
  return {
    option: {
      color: [...PALETTE],
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      // Room on the right for a second axis, or for the reference line's label.
      grid: sideways
        ? { left: 160, right: 40, top: 56, bottom: 30 }
        : { left: 70, right: units.length > 1 || reference !== null ? 70 : 20, top: 40, bottom: 60 },
      xAxis: sideways ? valueAxes[0] : categoryAxis,
      yAxis: sideways ? categoryAxis : valueAxes,
      series,
    },
    reference: trend ? trend.slope : reference,
    /** Sideways bars need a line each: the height that fits them. */
    height: sideways ? 80 + 24 * categories.length : undefined,
  };
}

/** The least-squares line through (index, value), over the points that have a value. */
export function trendOf(values: (number | null)[]): { slope: number; at: (x: number) => number } | null {
  const points = values.flatMap((v, x) => (v === null ? [] : [[x, v] as const]));
  if (points.length < 2) return null;
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const slope = sxx ? points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / sxx : 0;
  return { slope, at: (x) => my + slope * (x - mx) };
}
