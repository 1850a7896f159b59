import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClickHouseServer, startClickHouse } from '../../../test/support/clickhouse.js';
import { SMALL_DEMO } from '../../../test/support/paths.js';
import { runQuery } from '../../metrics/index.js';
import { openWarehouse } from '../duckdb/open.js';
import type { Warehouse } from '../engine.js';
import { ClickHouseEngine } from './connection.js';
import { copyToClickHouse } from './copy.js';

let server: ClickHouseServer;
let duck: Warehouse;
let house: ClickHouseEngine;
beforeAll(async () => {
  server = await startClickHouse();
  duck = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
  house = await ClickHouseEngine.open({ url: server.url, database: 'demo' });
  await copyToClickHouse(duck, house);
}, 120_000);
afterAll(async () => {
  await duck?.close();
  await server?.stop();
});

const month = { from: '2026-10-01', to: '2026-10-31' };
const QUESTIONS: Record<string, object> = {
  overview: {
    metrics: ['net_sales', 'orders', 'atv', 'upt', 'gross_margin', 'psd', 'conversion_rate'],
    timeRange: month,
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
  yoy: { metrics: ['net_sales', 'orders'], dimensions: ['region'], timeRange: month, compare: 'yoy' },
  topSkus: {
    metrics: ['net_sales', 'gross_profit', 'units'],
    dimensions: ['sku'],
    timeRange: { from: '2026-08-01', to: '2026-10-31' },
    order: [{ by: 'gross_profit', desc: true }],
    limit: 100,
  },
  heat: { metrics: ['conversion_rate', 'orders'], dimensions: ['hour_of_day', 'weekday'], timeRange: month },
  movement: { metrics: ['sku_movement_rate'], dimensions: ['store', 'week'], timeRange: month },
  inventory: {
    metrics: ['days_of_inventory', 'sell_through'],
    dimensions: ['category_l1'],
    timeRange: month,
  },
  repurchase: {
    metrics: ['repurchase_rate', 'active_members', 'new_members', 'members'],
    dimensions: ['month'],
    timeRange: { from: '2026-06-01', to: '2026-10-31' },
  },
  channelTier: {
    metrics: ['net_sales', 'member_sales_share'],
    dimensions: ['channel', 'member_tier'],
    filters: [{ dimension: 'format', op: 'in', values: ['便利店', 'fresh'] }],
    timeRange: month,
  },
  holidays: {
    metrics: ['net_sales'],
    dimensions: ['holiday'],
    timeRange: { from: '2026-01-01', to: '2026-10-31' },
  },
  labour: {
    metrics: ['sales_per_labour_hour', 'labour_cost_ratio'],
    dimensions: ['region'],
    timeRange: month,
  },
  lfl: { metrics: ['lfl_growth', 'net_sales'], dimensions: ['format'], timeRange: month },
  filtered: {
    metrics: ['net_sales'],
    dimensions: ['store'],
    filters: [{ dimension: 'store', op: 'contains', value: "路' OR '1'='1" }],
    timeRange: month,
  },
};

/** The same rows in the same order, numbers equal to the cent (or a millionth for ratios). */
function expectSame(name: string, house: Record<string, unknown>[], duck: Record<string, unknown>[]) {
  expect(house.length, name).toBe(duck.length);
  duck.forEach((row, i) => {
    for (const [key, value] of Object.entries(row)) {
      const other = house[i]?.[key];
      if (typeof value === 'number') expect(Number(other), `${name} row ${i} ${key}`).toBeCloseTo(value, 2);
      else expect(other ?? null, `${name} row ${i} ${key}`).toEqual(value);
    }
  });
}

describe('the catalogue on ClickHouse 18', () => {
  it('gives the same answers as DuckDB on the same data, question by question', async () => {
    for (const [name, q] of Object.entries(QUESTIONS)) {
      const fromDuck = await runQuery(duck, q, { rollups: false, cache: false });
      const fromHouse = await runQuery(house, q, { cache: false });
      expect(fromHouse.meta.engine).toBe('clickhouse');
      expectSame(name, fromHouse.rows, fromDuck.rows);
    }
  }, 120_000);

  it('keeps row-level security: a store manager and a supplier see the same rows as on DuckDB', async () => {
    const scopes = [
      { all: false as const, grants: [{ kind: 'store' as const, value: 'S0003' }] },
      { all: false as const, grants: [{ kind: 'supplier' as const, value: 'V0001' }] },
    ];
    const q = { metrics: ['net_sales', 'units'], dimensions: ['store'], timeRange: month };
    for (const scope of scopes) {
      const a = await runQuery(duck, q, { scope, rollups: false, cache: false });
      const b = await runQuery(house, q, { scope, cache: false });
      expectSame(JSON.stringify(scope), b.rows, a.rows);
    }
  }, 60_000);

  it('copies a second time without doubling anything', async () => {
    const before = await house.query('SELECT count() AS n FROM sales_line');
    await copyToClickHouse(duck, house);
    expect(await house.query('SELECT count() AS n FROM sales_line')).toEqual(before);
  }, 120_000);
});
