import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyChain } from '../../test/support/tiny-chain.js';
import { insertRows, type Warehouse } from '../warehouse/index.js';
import { runQuery } from './index.js';

/**
 * Comparisons on the hand-counted chain, Tuesday 2024-03-05 against Monday 2024-03-04. Store A (华南店) sold on
 * both days; store B (华东店) on Monday only: 60 of sku 3 at cost 36. Added here for Tuesday, store A: 40 of
 * sku 1 at cost 30, so A's Tuesday is net 10 − 10 + 40 = 40, cost 6 − 6 + 30 = 30, margin 25% against
 * Monday's (20 + 10 + 10 + 30 − 42) / 70 = 40%.
 */
let engine: Warehouse;
beforeAll(async () => {
  engine = await tinyChain();
  await insertRows(engine, 'sales_line', [
    {
      order_id: 7,
      line_no: 1,
      ts: '2024-03-05 16:00:00',
      date: '2024-03-05',
      store_id: 1,
      channel: 'pos',
      sku: 1,
      member_id: null,
      qty: 4,
      gross: 40,
      discount: 0,
      net: 40,
      cost: 30,
      promotion_id: null,
      coupon_id: null,
    },
  ]);
});
afterAll(() => engine.close());

const tuesdayVsMonday = {
  timeRange: { from: '2024-03-05', to: '2024-03-05' },
  compare: { from: '2024-03-04', to: '2024-03-04' },
};

describe('comparisons', () => {
  it('keeps a row of the comparison period alone (a store that sold only then), with the totals unchanged', async () => {
    const result = await runQuery(
      engine,
      { metrics: ['net_sales', 'gross_margin'], dimensions: ['store'], ...tuesdayVsMonday },
      { cache: false },
    );
    expect(result.rows).toEqual(
      [
        {
          store: '华南店',
          net_sales: 40,
          gross_margin: 0.25,
          net_sales_prev: 70,
          net_sales_delta: -30,
          net_sales_pct: -30 / 70,
          gross_margin_prev: 0.4,
          gross_margin_delta: -15,
          gross_margin_prev_: undefined,
        },
        {
          store: '华东店',
          net_sales: 0,
          gross_margin: null,
          net_sales_prev: 60,
          net_sales_delta: -60,
          net_sales_pct: -1,
          gross_margin_prev: 0.4,
          gross_margin_delta: null,
        },
      ].map(({ gross_margin_prev_: _, ...row }) => row),
    );
    // The change of a ratio is in percentage points, labelled so; no relative change of a ratio is offered.
    const delta = result.columns.find((c) => c.id === 'gross_margin_delta');
    expect(delta).toMatchObject({
      unit: 'pp',
      label: { zh: '毛利率变化(个百分点)', en: 'Gross margin change (pp)' },
    });
    expect(result.columns.some((c) => c.id === 'gross_margin_pct')).toBe(false);
    // Totals: the chain's net sales either day, as before.
    const total = await runQuery(engine, { metrics: ['net_sales'], ...tuesdayVsMonday }, { cache: false });
    expect(total.rows).toEqual([
      { net_sales: 40, net_sales_prev: 130, net_sales_delta: -90, net_sales_pct: -90 / 130 },
    ]);
    const storeSum = result.rows.reduce((s, r) => s + Number(r.net_sales_prev), 0);
    expect(storeSum).toBe(130);
  });

  it('leaves rows of the comparison alone out when the limit cut the answer', async () => {
    const top = await runQuery(
      engine,
      { metrics: ['net_sales'], dimensions: ['store'], limit: 1, ...tuesdayVsMonday },
      { cache: false },
    );
    expect(top.rows.map((r) => r.store)).toEqual(['华南店']);
    expect(top.meta.truncated).toBe(true);
  });

  it('says which days of each period hold data', async () => {
    const week = await runQuery(
      engine,
      { metrics: ['net_sales'], timeRange: { from: '2024-03-04', to: '2024-03-10' }, compare: 'wow' },
      { cache: false },
    );
    expect(week.meta.coverage).toEqual({
      period: { from: '2024-03-04', to: '2024-03-10', days: 7, daysWithData: 2, partial: true },
      comparison: { from: '2024-02-26', to: '2024-03-03', days: 7, daysWithData: 0, partial: true },
    });
    const full = await runQuery(engine, { metrics: ['net_sales'], ...tuesdayVsMonday }, { cache: false });
    expect(full.meta.coverage.period.partial).toBe(false);
    expect(full.meta.coverage.comparison?.partial).toBe(false);
  });

  it('names the buckets of a time axis that hold data on only part of their days', async () => {
    const months = await runQuery(
      engine,
      { metrics: ['net_sales'], dimensions: ['month'], timeRange: { from: '2024-03-01', to: '2024-03-31' } },
      { cache: false },
    );
    expect(months.meta.coverage.buckets).toEqual({ '2024-03-01': { days: 31, daysWithData: 2 } });
    const weeks = await runQuery(
      engine,
      { metrics: ['net_sales'], dimensions: ['week'], timeRange: { from: '2024-03-04', to: '2024-03-10' } },
      { cache: false },
    );
    expect(weeks.meta.coverage.buckets).toEqual({ '2024-03-04': { days: 7, daysWithData: 2 } });
    // Days are whole buckets of themselves: nothing to mark.
    const days = await runQuery(
      engine,
      { metrics: ['net_sales'], dimensions: ['day'], timeRange: { from: '2024-03-04', to: '2024-03-10' } },
      { cache: false },
    );
    expect(days.meta.coverage.buckets).toBeUndefined();
  });

  it('names, cut by store, the stores with markedly fewer days of data than the chain', async () => {
    // Monday and Tuesday against the weekend before: the chain has data on both days, store B on Monday only
    // (1 < 0.9 × 2); the weekend before holds nothing, so every store is short there.
    const byStore = await runQuery(
      engine,
      {
        metrics: ['net_sales'],
        dimensions: ['store'],
        timeRange: { from: '2024-03-04', to: '2024-03-05' },
        compare: { from: '2024-03-02', to: '2024-03-03' },
      },
      { cache: false },
    );
    expect(byStore.meta.coverage.period.daysWithData).toBe(2);
    expect(byStore.meta.coverage.stores).toEqual({
      华东店: { period: 1, comparison: 0, short: { period: true, comparison: false } },
    });
    // Not cut by store: no list.
    const chain = await runQuery(
      engine,
      { metrics: ['net_sales'], dimensions: ['region'], timeRange: { from: '2024-03-04', to: '2024-03-05' } },
      { cache: false },
    );
    expect(chain.meta.coverage.stores).toBeUndefined();
  });
});
