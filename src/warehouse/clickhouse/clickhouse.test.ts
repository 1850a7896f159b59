import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('member center KPIs on ClickHouse 18', () => {
  it('earns membership fees by day and defers the rest exactly as DuckDB does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhongtai-ch-members-'));
    const local = await openWarehouse({ path: join(dir, 'w.duckdb') });
    try {
      // An annual period, a month of ¥25 refunded after three days (¥2.41 kept), a renewal bought ahead.
      await local.write(
        `INSERT INTO paid_member_change (membership_id, change, member_code, date, store_id, plan, members, amount) VALUES
         (1, 'start', 'M1', '2026-10-03', 1, 'annual', 1, 0), (1, 'end', 'M1', '2027-10-03', 1, 'annual', -1, 0),
         (1, 'sale', 'M1', '2026-10-03', 1, 'annual', 0, 199),
         (2, 'start', 'M2', '2026-10-05', 2, 'monthly', 1, 0), (2, 'end', 'M2', '2026-10-08', 2, 'monthly', -1, 0),
         (2, 'sale', 'M2', '2026-10-05', 2, 'monthly', 0, 2.41),
         (3, 'start', 'M2', '2027-01-01', 2, 'annual', 1, 0), (3, 'end', 'M2', '2028-01-01', 2, 'annual', -1, 0),
         (3, 'sale', 'M2', '2026-10-20', 2, 'annual', 0, 199)`,
      );
      const members = await ClickHouseEngine.open({ url: server.url, database: 'members' });
      await copyToClickHouse(local, members);
      const q = {
        metrics: ['membership_sales', 'membership_revenue', 'deferred_revenue', 'paid_members'],
        dimensions: ['day'],
        timeRange: { from: '2026-10-01', to: '2026-10-31' },
      };
      const fromDuck = await runQuery(local, q, { rollups: false, cache: false });
      const fromHouse = await runQuery(members, q, { cache: false });
      // Days with a sale or a fee earned: from the first period's first day.
      expect(fromDuck.rows.map((r) => r.day).slice(0, 2)).toEqual(['2026-10-03', '2026-10-04']);
      expect(fromDuck.rows.length).toBe(29);
      expectSame('membership fees by day', fromHouse.rows, fromDuck.rows);
      // 10-07: the annual's share (⌊19900·5/365⌋ − ⌊19900·4/365⌋ fen) and the month's last day (⌊241·3/3⌋ − ⌊241·2/3⌋).
      const day = fromHouse.rows.find((r) => r.day === '2026-10-07');
      expect(day?.membership_revenue).toBe((272 - 218 + (241 - 160)) / 100);
      const last = fromHouse.rows.at(-1);
      expect(last?.deferred_revenue).toBe((39_800 - Math.floor((19_900 * 29) / 365)) / 100);
    } finally {
      await local.close();
    }
  }, 120_000);
});
