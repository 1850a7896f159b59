import type { Cell, Row } from '../warehouse/index.js';
import type { DimensionDef, MetricDef } from './catalog/index.js';
import { type Comparison, forwardKey } from './compiler/time.js';
import type { Query } from './query.js';
import type { ColumnMeta } from './result.js';

/** A row's place: its dimension values, those of a comparison row moved forward onto the current period. */
export const keyOf = (row: Row, dims: readonly DimensionDef[], comparison?: Comparison): string =>
  JSON.stringify(dims.map((d) => dimensionValue(row, d, comparison)));

function dimensionValue(row: Row, d: DimensionDef, comparison?: Comparison): Cell {
  const value = row[d.id] ?? null;
  return comparison && d.grain && typeof value === 'string' ? forwardKey(d.grain, value, comparison) : value;
}

/**
 * Amounts of money summed from exact decimals (销售额, 毛利额): the engines hand sums back as binary floats
 * (31733375.840000004), so they are rounded back to the fen they are. Averages and ratios in yuan (客单价, PSD)
 * are quotients, not amounts, and keep their precision.
 */
const isAmount = (m: MetricDef) => m.unit === 'CNY' && 'measure' in m.formula && !m.special;

const fen = (v: number) => Math.round(v * 100) / 100;

/** Amounts to the fen; a change is the difference of the amounts shown. */
export function roundMoney(rows: Row[], metrics: readonly MetricDef[]): Row[] {
  const money = metrics.filter(isAmount).map((m) => m.id);
  if (money.length)
    for (const row of rows)
      for (const id of money) {
        const v = row[id];
        if (typeof v === 'number') row[id] = fen(v);
      }
  return rows;
}

/** What a metric is where its period has no row: a sum or a count is 0, a ratio is unknown. */
const emptyValue = (metric: MetricDef): Cell => ('measure' in metric.formula && !metric.special ? 0 : null);

/** Ratios (毛利率, 转化率 …) change in percentage points; other metrics by their difference and its ratio. */
export const changesInPoints = (metric: MetricDef) => metric.unit === 'percent';

export const pctChange = (current: Cell, previous: Cell): number | null =>
  typeof current === 'number' && typeof previous === 'number' && previous !== 0
    ? (current - previous) / Math.abs(previous)
    : null;

/**
 * The current rows matched with the comparison's, as a full outer match: a row present only in the comparison
 * period (a category sold last October, none this year) is an answer row too, its current value empty or zero
 * as its KPI defines, so a change is never explained by rows that vanished. Adds `<metric>_prev`, `_delta`
 * (percentage points for ratios) and, except for ratios, `_pct`.
 */
export function mergeComparison(
  rows: Row[],
  previous: Row[],
  dims: readonly DimensionDef[],
  metrics: readonly MetricDef[],
  comparison: Comparison,
  /** False when the current rows were cut by the limit: rows of the comparison alone would not be the next ones. */
  complete: boolean,
): Row[] {
  const before = new Map(previous.map((row) => [keyOf(row, dims, comparison), row]));
  const seen = new Set<string>();
  const merged = rows.map((row) => {
    const key = keyOf(row, dims);
    seen.add(key);
    return fill(row, before.get(key), metrics);
  });
  if (complete && dims.length)
    for (const [key, old] of before) {
      if (seen.has(key)) continue;
      const row: Row = {};
      for (const d of dims) row[d.id] = dimensionValue(old, d, comparison);
      for (const metric of metrics) row[metric.id] = emptyValue(metric);
      merged.push(fill(row, old, metrics));
    }
  return merged;
}

function fill(row: Row, before: Row | undefined, metrics: readonly MetricDef[]): Row {
  for (const metric of metrics) {
    const prev = before?.[metric.id] ?? null;
    const cur = row[metric.id] ?? null;
    const numbers = typeof cur === 'number' && typeof prev === 'number';
    row[`${metric.id}_prev`] = prev;
    if (changesInPoints(metric)) {
      // In points, rounded where float noise would show (0.283 − 0.219 = 0.06400000000000003).
      row[`${metric.id}_delta`] = numbers ? Math.round((cur - prev) * 1e8) / 1e6 : null;
    } else {
      row[`${metric.id}_delta`] = numbers ? (isAmount(metric) ? fen(cur - prev) : cur - prev) : null;
      row[`${metric.id}_pct`] = pctChange(cur, prev);
    }
  }
  return row;
}

/** The columns a comparison adds, each labelled for what it holds. */
export function comparisonColumns(metrics: readonly MetricDef[]): ColumnMeta[] {
  return metrics.flatMap((metric) => {
    const label = (zh: string, en: string) => ({
      zh: `${metric.label.zh}${zh}`,
      en: `${metric.label.en} ${en}`,
    });
    const points = changesInPoints(metric);
    const columns: ColumnMeta[] = [
      {
        id: `${metric.id}_prev`,
        kind: 'compare',
        label: label('(对比期)', '(comparison)'),
        unit: metric.unit,
        metric: metric.id,
        compare: 'previous',
      },
      {
        id: `${metric.id}_delta`,
        kind: 'compare',
        label: points ? label('变化(个百分点)', 'change (pp)') : label('变化', 'change'),
        unit: points ? 'pp' : metric.unit,
        metric: metric.id,
        compare: 'delta',
      },
    ];
    if (!points)
      columns.push({
        id: `${metric.id}_pct`,
        kind: 'compare',
        label: label('变化率', '% change'),
        unit: 'percent',
        metric: metric.id,
        compare: 'pct',
      });
    return columns;
  });
}

/** The order the compiler gives rows when the query names none: by time, else by the first metric, largest first. */
export function defaultOrder(dims: readonly DimensionDef[], metrics: readonly MetricDef[]): Query['order'] {
  const time = dims.filter((d) => d.grain || d.id === 'weekday' || d.id === 'hour_of_day');
  const rest = dims.filter((d) => !time.includes(d)).map((d) => ({ by: d.id, desc: false }));
  if (time.length) return [...time.map((d) => ({ by: d.id, desc: false })), ...rest];
  return metrics[0] ? [{ by: metrics[0].id, desc: true }, ...rest] : rest;
}

/** Rows in the query's order (rows of the comparison alone, appended, take their place). */
export function sortRows(rows: Row[], order: Query['order']): Row[] {
  if (!order.length) return rows;
  return [...rows].sort((a, b) => {
    for (const o of order) {
      const x = a[o.by] ?? null;
      const y = b[o.by] ?? null;
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * (o.desc ? -1 : 1);
    }
    return 0;
  });
}
