import type { Exploration } from '../../../src/contract/index.js';
import type { Catalog, QueryBody } from '../api';
import { addDays } from '../format';

/** One exploration: what a user asked, kept in the URL so a reload or a shared link shows the same. */
export type { Exploration };

export const TIME_DIMS = ['year', 'quarter', 'month', 'week', 'day', 'hour'];

export function defaultExploration(dataEnd: string): Exploration {
  return {
    metrics: ['net_sales'],
    dimensions: ['region'],
    filters: [],
    range: { from: addDays(dataEnd, -29), to: dataEnd },
    rangeDays: 30,
    compare: '',
    reference: '',
    chart: 'auto',
  };
}

/** A question whose range follows the data (the last N days) moved to end on the newest day. */
export function current(e: Exploration, dataEnd: string): Exploration {
  return e.toDate || e.rangeDays ? { ...e, range: questionPeriod(e, dataEnd) } : e;
}

export function toUrl(e: Exploration): string {
  return `?q=${encodeURIComponent(JSON.stringify(e))}`;
}

/** The exploration a URL holds, or null when it holds none (or one that does not parse). */
export function fromUrl(search: string): Exploration | null {
  const raw = new URLSearchParams(search).get('q');
  if (!raw) return null;
  try {
    const e = JSON.parse(raw) as Exploration;
    return Array.isArray(e.metrics) && Array.isArray(e.dimensions) && e.range?.from ? e : null;
  } catch {
    return null;
  }
}

export function queryOf(e: Exploration): QueryBody {
  return {
    metrics: e.metrics,
    dimensions: e.dimensions,
    filters: e.filters.map((f) =>
      f.values && f.values.length > 1
        ? { dimension: f.dimension, op: 'in', values: f.values }
        : { dimension: f.dimension, op: 'eq', value: f.value },
    ),
    timeRange: e.range,
    ...(e.compare === 'custom'
      ? e.compareRange
        ? { compare: e.compareRange }
        : {}
      : e.compare
        ? { compare: e.compare }
        : {}),
    limit: e.limit ?? 500,
  };
}

const lastDayOf = (start: string, grain: string): string => {
  const d = new Date(`${start}T00:00:00Z`);
  if (grain === 'week') return addDays(start, 6);
  if (grain === 'day') return start;
  const months = grain === 'year' ? 12 : grain === 'quarter' ? 3 : 1;
  const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  return addDays(next.toISOString().slice(0, 10), -1);
};

/**
 * One step down the hierarchy from a clicked value of the first dimension: a time bucket narrows the
 * range to itself and shows its parts (month → weeks); a region keeps only that region and shows its
 * cities. Null when the dimension has no finer level.
 */
export function drill(e: Exploration, catalog: Catalog, value: string): Exploration | null {
  const [dim, ...rest] = e.dimensions;
  const child = catalog.dimensions.find((d) => d.id === dim)?.child;
  if (!dim || !child) return null;
  if (TIME_DIMS.includes(dim)) {
    if (dim === 'day') return null; // hours of one day: left to the hour-of-day dimension
    // ISO dates sort as text: the bucket, cut to the range the question had.
    const start = value.slice(0, 10);
    const [, from] = [start, e.range.from].sort() as [string, string];
    const [to] = [lastDayOf(start, dim), e.range.to].sort() as [string, string];
    const { rangeDays: _, toDate: __, ...fixed } = e;
    return { ...fixed, dimensions: [child, ...rest], range: { from, to } };
  }
  return {
    ...e,
    dimensions: [child, ...rest.filter((d) => d !== child)],
    filters: [...e.filters.filter((f) => f.dimension !== dim), { dimension: dim, value }],
  };
}

// 上周 and 上月: the presets the CLI's --period offers too, from one definition.
export { lastMonth, lastWeek } from '../../../src/model/periods';

import { questionPeriod } from '../../../src/model/periods';
