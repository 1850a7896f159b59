import { describe, expect, it } from 'vitest';
import type { Catalog } from '../api';
import { chartKind, referenceValue, trendOf, valueLabel } from './chart';
import { current, drill, type Exploration, queryOf } from './state';

const base: Exploration = {
  metrics: ['net_sales'],
  dimensions: ['region'],
  filters: [],
  range: { from: '2026-10-17', to: '2026-11-15' },
  compare: '',
  reference: '',
  chart: 'auto',
};
const catalog = {
  metrics: [],
  dimensions: [
    { id: 'region', label: { zh: '大区', en: 'Region' }, group: 'store', child: 'city' },
    { id: 'city', label: { zh: '城市', en: 'City' }, group: 'store', child: 'store' },
    { id: 'month', label: { zh: '月', en: 'Month' }, group: 'time', child: 'week' },
    { id: 'week', label: { zh: '周', en: 'Week' }, group: 'time', child: 'day' },
    {
      id: 'format',
      label: { zh: '业态', en: 'Format' },
      group: 'store',
      values: { fresh: { zh: '生鲜/鲜果', en: 'Fresh / fruit' } },
    },
  ],
} as unknown as Catalog;

describe('the chart a question gets', () => {
  it('draws time as a line, anything else as bars, no dimension as KPI cards', () => {
    expect(chartKind({ ...base, dimensions: ['month'] })).toBe('line');
    expect(chartKind(base)).toBe('bar');
    expect(chartKind({ ...base, dimensions: [] })).toBe('kpi');
  });

  it('draws hour × weekday as a heat map, and falls back when a chosen chart does not fit', () => {
    expect(chartKind({ ...base, dimensions: ['hour_of_day', 'weekday'] })).toBe('heatmap');
    expect(chartKind({ ...base, chart: 'pivot' })).toBe('table');
    expect(chartKind({ ...base, dimensions: ['region', 'format'], chart: 'pivot' })).toBe('pivot');
    expect(chartKind({ ...base, dimensions: ['region', 'format'], chart: 'pie' })).toBe('bar');
    expect(chartKind({ ...base, chart: 'multiples' })).toBe('bar');
  });
});

describe('drilling and periods', () => {
  it('drills a region into its cities, keeping the region as a filter', () => {
    expect(drill(base, catalog, '华南')).toMatchObject({
      dimensions: ['city'],
      filters: [{ dimension: 'region', value: '华南' }],
    });
  });

  it('drills a month into its weeks within the range, and stops following the newest data', () => {
    const drilled = drill({ ...base, dimensions: ['month'], rangeDays: 30 }, catalog, '2026-10-01');
    expect(drilled?.dimensions).toEqual(['week']);
    expect(drilled?.range).toEqual({ from: '2026-10-17', to: '2026-10-31' });
    expect(drilled?.rangeDays).toBeUndefined();
  });

  it('moves the last N days and the year to date up to the newest day', () => {
    expect(current({ ...base, rangeDays: 7 }, '2026-11-15').range).toEqual({
      from: '2026-11-09',
      to: '2026-11-15',
    });
    expect(current({ ...base, toDate: 'year' }, '2026-11-15').range).toEqual({
      from: '2026-01-01',
      to: '2026-11-15',
    });
  });

  it('asks for several values of a filter as one "in"', () => {
    const q = queryOf({
      ...base,
      filters: [{ dimension: 'format', value: 'fresh', values: ['fresh', 'convenience'] }],
    });
    expect(q.filters).toEqual([{ dimension: 'format', op: 'in', values: ['fresh', 'convenience'] }]);
  });
});

describe('reference lines and labels', () => {
  it('computes average, median, 90th percentile and a least-squares trend', () => {
    const values = [1, 2, 3, 4, 10];
    expect(referenceValue({ ...base, reference: 'average' }, values)).toBe(4);
    expect(referenceValue({ ...base, reference: 'median' }, values)).toBe(3);
    expect(referenceValue({ ...base, reference: 'p90' }, values)).toBe(10);
    expect(referenceValue({ ...base, reference: 'target', target: 5 }, values)).toBe(5);
    expect(trendOf([1, 3, null, 7])?.slope).toBeCloseTo(2, 12);
  });

  it('reads coded values, weekdays and hours by their labels', () => {
    expect(valueLabel(catalog, 'format', 'fresh', 'zh')).toBe('生鲜/鲜果');
    expect(valueLabel(catalog, 'weekday', 6, 'zh')).toBe('周六');
    expect(valueLabel(catalog, 'hour_of_day', 9, 'en')).toBe('9:00');
  });
});
