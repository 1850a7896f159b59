import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { insertRows, noteChangedFact, openWarehouse, type Warehouse } from '../warehouse/index.js';
import { refreshRollups, runQuery } from './index.js';

let engine: Warehouse;
beforeAll(async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-rollups-')), 'demo.duckdb');
  copyFileSync(SMALL_DEMO, path);
  engine = await openWarehouse({ path });
});
afterAll(() => engine?.close());

const month = { from: '2026-10-01', to: '2026-10-31' };
const QUERIES = {
  overview: {
    metrics: ['net_sales', 'orders', 'atv', 'gross_margin', 'conversion_rate', 'psd'],
    timeRange: month,
    compare: 'yoy',
  },
  storeMonth: {
    metrics: ['net_sales', 'orders', 'atv'],
    dimensions: ['store', 'month'],
    timeRange: { from: '2026-01-01', to: '2026-11-15' },
  },
  regionFormatWeek: {
    metrics: ['gross_margin', 'upt', 'sales_per_m2'],
    dimensions: ['region', 'format', 'week'],
    timeRange: month,
  },
  channelWeekend: {
    metrics: ['net_sales', 'member_sales_share', 'discount'],
    dimensions: ['channel'],
    filters: [{ dimension: 'weekday', op: 'gte', value: 6 }],
    timeRange: month,
  },
  likeForLike: { metrics: ['lfl_growth', 'net_sales'], dimensions: ['region'], timeRange: month },
  category: { metrics: ['net_sales', 'orders'], dimensions: ['category_l1'], timeRange: month },
  hour: { metrics: ['net_sales', 'orders'], dimensions: ['hour_of_day'], timeRange: month },
};

describe('rollups', () => {
  it('answer exactly what the rows answer, and only where they kept every dimension asked', async () => {
    const fromRows = new Map<string, unknown>();
    for (const [name, q] of Object.entries(QUERIES)) {
      const result = await runQuery(engine, q);
      expect(result.meta.rollups, name).toEqual([]);
      fromRows.set(name, result.rows);
    }
    const built = await refreshRollups(engine);
    expect(built.map((b) => [b.rollup, b.days])).toEqual([
      ['sales_day', 'all'],
      ['orders_day', 'all'],
    ]);
    const read: Record<string, string[]> = {};
    for (const [name, q] of Object.entries(QUERIES)) {
      const result = await runQuery(engine, q);
      expect(result.rows, name).toEqual(fromRows.get(name));
      read[name] = result.meta.rollups;
    }
    expect(read).toEqual({
      overview: ['orders_day', 'sales_day'],
      storeMonth: ['orders_day', 'sales_day'],
      regionFormatWeek: ['orders_day', 'sales_day'],
      channelWeekend: ['sales_day'],
      likeForLike: ['sales_day'],
      // Categories and hours are not kept: those read the rows.
      category: [],
      hour: [],
    });
  });

  it('never serve a day loaded since the last refresh, and then take in just that day', async () => {
    const total = async (range: { from: string; to: string }) => {
      const r = await runQuery(engine, { metrics: ['net_sales'], timeRange: range });
      return { value: r.rows[0]?.net_sales as number, rollups: r.meta.rollups };
    };
    await refreshRollups(engine);
    const before = await total(month);
    const september = await total({ from: '2026-09-01', to: '2026-09-30' });
    expect(before.rollups).toEqual(['sales_day']);
    await insertRows(engine, 'sales_line', [
      {
        order_id: 900_000_001,
        line_no: 1,
        ts: '2026-10-15 10:00:00',
        date: '2026-10-15',
        store_id: 1,
        channel: 'pos',
        sku: 1,
        member_id: null,
        qty: 1,
        gross: 1234.5,
        discount: 0,
        net: 1234.5,
        cost: 1000,
        promotion_id: null,
        coupon_id: null,
      },
    ]);
    // October now holds a changed day: read from the rows, with the new line. September still has its rollup.
    const stale = await total(month);
    expect(stale.rollups).toEqual([]);
    expect(stale.value).toBeCloseTo(before.value + 1234.5, 2);
    expect(await total({ from: '2026-09-01', to: '2026-09-30' })).toEqual(september);

    const refreshed = await refreshRollups(engine);
    expect(refreshed.find((r) => r.rollup === 'sales_day')?.days).toBe(1);
    const after = await total(month);
    expect(after).toEqual({ value: stale.value, rollups: ['sales_day'] });
  });

  it('rebuild whole when any day of their fact may have changed', async () => {
    await noteChangedFact(engine, 'orders');
    expect((await refreshRollups(engine)).map((r) => [r.rollup, r.days])).toEqual([['orders_day', 'all']]);
    expect(await refreshRollups(engine)).toEqual([]);
  });
});
