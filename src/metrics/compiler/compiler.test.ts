import { describe, expect, it } from 'vitest';
import { isZhongtaiError, type ZhongtaiError } from '../../model/index.js';
import { renderDuckDb } from '../../warehouse/index.js';
import { catalogDocument } from '../catalog-document.js';
import { parseQuery } from '../query.js';
import { compile, resolveQuery } from './plan.js';
import { comparisonFor, forwardKey, truncate } from './time.js';

const range = { from: '2026-01-01', to: '2026-01-31' };
const sqlOf = (input: unknown) => {
  const query = parseQuery(input);
  return renderDuckDb(compile(resolveQuery(query), query, { range }));
};
const codeOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (isZhongtaiError(error))
      return { code: error.code, message: error.message, zh: error.messageZh, field: error.place?.field };
    throw error;
  }
  return null;
};

describe('the metric compiler', () => {
  it('reads one fact in one aggregate when all measures live there', () => {
    const { sql, params } = sqlOf({ metrics: ['net_sales', 'gross_margin'], dimensions: ['region'] });
    expect(sql.match(/FROM "sales_line"/g)).toHaveLength(1);
    expect(sql).not.toContain('UNION');
    expect(params).toEqual(['2026-01-01', '2026-01-31']);
  });

  it('joins per-fact aggregates on the dimensions when KPIs span facts', () => {
    const { sql } = sqlOf({ metrics: ['atv', 'conversion_rate'], dimensions: ['store'] });
    expect(sql).toContain('FROM "sales_line"');
    expect(sql).toContain('FROM "orders"');
    expect(sql).toContain('FROM "traffic"');
    expect(sql).toContain('UNION');
  });

  it('never puts filter text into the SQL: values travel as parameters', () => {
    const hostile = ["华南'; DROP TABLE sales_line; --", 'x" OR 1=1 --', "') OR ('a'='a", 'back\\slash'];
    for (const value of hostile) {
      const { sql, params } = sqlOf({
        metrics: ['net_sales'],
        filters: [
          { dimension: 'region', value },
          { dimension: 'store', op: 'contains', value },
        ],
      });
      expect(sql).not.toContain(value);
      expect(params).toContain(value);
    }
  });

  it('names an unknown metric or dimension, in both languages, with the field', () => {
    expect(codeOf(() => sqlOf({ metrics: ['revenue'] }))).toMatchObject({
      code: 'UNKNOWN_METRIC',
      field: 'metrics.0',
      zh: expect.stringContaining('revenue'),
    });
    expect(codeOf(() => sqlOf({ metrics: ['net_sales'], dimensions: ['colour'] }))).toMatchObject({
      code: 'UNKNOWN_DIMENSION',
      field: 'dimensions.0',
    });
    expect(
      codeOf(() => sqlOf({ metrics: ['net_sales'], filters: [{ dimension: 'colour', value: 'red' }] })),
    ).toMatchObject({ code: 'UNKNOWN_DIMENSION' });
  });

  it('refuses cuts a KPI cannot follow, and filters of the wrong type', () => {
    expect(codeOf(() => sqlOf({ metrics: ['visitors'], dimensions: ['category_l1'] }))).toMatchObject({
      code: 'NOT_CUTTABLE',
      field: 'category_l1',
    });
    expect(
      codeOf(() => sqlOf({ metrics: ['net_sales'], filters: [{ dimension: 'weekday', value: 'Saturday' }] })),
    ).toMatchObject({ code: 'BAD_FILTER' });
    expect(
      codeOf(() =>
        sqlOf({ metrics: ['net_sales'], filters: [{ dimension: 'day', op: 'gte', value: '2026-13-45' }] }),
      ),
    ).toMatchObject({ code: 'BAD_FILTER' });
    expect(
      codeOf(() =>
        sqlOf({ metrics: ['net_sales'], filters: [{ dimension: 'region', op: 'between', values: ['a'] }] }),
      ),
    ).toMatchObject({ code: 'BAD_FILTER' });
    expect(codeOf(() => sqlOf({ metrics: ['net_sales'], order: [{ by: 'net_sales; DROP' }] }))).toMatchObject(
      { code: 'BAD_REQUEST' },
    );
  });

  it('refuses malformed queries before compiling them', () => {
    expect(codeOf(() => parseQuery({ metrics: [] }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'metrics',
    });
    expect(
      codeOf(() =>
        parseQuery({ metrics: ['net_sales'], timeRange: { from: '2026-02-30', to: '2026-03-01' } }),
      ),
    ).toMatchObject({ code: 'BAD_TIME_RANGE' });
    expect(codeOf(() => parseQuery({ metrics: ['net_sales'], limit: 10_000_000 }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'limit',
    });
    expect(codeOf(() => parseQuery({ metrics: ['net_sales'], sql: 'SELECT 1' }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('offers only the dimensions each KPI can follow in the catalogue', () => {
    const doc = catalogDocument();
    const dims = (id: string) => doc.metrics.find((m) => m.id === id)?.dimensions ?? [];
    expect(dims('net_sales')).toEqual(
      expect.arrayContaining(['store', 'category_l1', 'channel', 'member_tier', 'hour']),
    );
    expect(dims('psd')).toEqual(expect.arrayContaining(['store', 'channel', 'category_l1']));
    expect(dims('psd')).not.toContain('member_tier');
    expect(dims('conversion_rate')).not.toContain('channel');
    expect(dims('dau')).not.toContain('store');
  });
});

describe('periods and comparisons', () => {
  it('truncates to ISO weeks, months, quarters and years', () => {
    expect(truncate('week', '2026-11-15')).toBe('2026-11-09');
    expect(truncate('month', '2026-11-15')).toBe('2026-11-01');
    expect(truncate('quarter', '2026-11-15')).toBe('2026-10-01');
    expect(truncate('year', '2026-11-15')).toBe('2026-01-01');
  });

  it('shifts ranges for each comparison, clamping month ends', () => {
    expect(comparisonFor('yoy', { from: '2024-02-01', to: '2024-02-29' }).range).toEqual({
      from: '2023-02-01',
      to: '2023-02-28',
    });
    expect(comparisonFor('mom', { from: '2026-03-01', to: '2026-03-31' }).range).toEqual({
      from: '2026-02-01',
      to: '2026-02-28',
    });
    expect(comparisonFor('wow', range).range).toEqual({ from: '2025-12-25', to: '2026-01-24' });
    expect(comparisonFor('previous', range).range).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(comparisonFor('yoy_weekday', { from: '2026-11-14', to: '2026-11-14' }).range).toEqual({
      from: '2025-11-15',
      to: '2025-11-15',
    });
  });

  it('lines comparison buckets up with current ones', () => {
    const yoy = comparisonFor('yoy', range);
    expect(forwardKey('month', '2025-01-01', yoy)).toBe('2026-01-01');
    expect(forwardKey('week', '2025-01-06', yoy)).toBe('2026-01-05');
    expect(forwardKey('hour', '2025-01-06 09:00:00', yoy)).toBe('2026-01-06 09:00:00');
  });
});

describe('a mistyped name', () => {
  it('is answered with what it most likely meant and where the list is', () => {
    const ask = (q: object) => {
      try {
        resolveQuery(parseQuery(q));
      } catch (error) {
        return error as ZhongtaiError;
      }
      throw new Error('accepted');
    };
    expect(ask({ metrics: ['gross_marign'] }).message).toMatch(
      /Did you mean gross_margin\?.*zhongtai catalog/,
    );
    expect(ask({ metrics: ['毛利率'] }).messageZh).toMatch(/您是否想要：gross_margin？/);
    expect(ask({ metrics: ['net_sales'], dimensions: ['regoin'] }).message).toMatch(/Did you mean region\?/);
    expect(ask({ metrics: ['weather'] }).message).not.toMatch(/Did you mean/);
  });
});
