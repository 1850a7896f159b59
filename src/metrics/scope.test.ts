import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import type { DataScope } from '../model/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import { drillRows, refreshRollups, runQuery } from './index.js';

// A copy of the small demo chain: rollups are built on it half-way.
let engine: Warehouse;
beforeAll(async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-scope-')), 'demo.duckdb');
  copyFileSync(SMALL_DEMO, path);
  engine = await openWarehouse({ path });
});
afterAll(() => engine?.close());

const month = { from: '2026-10-01', to: '2026-10-31' };
const scoped = (
  ...grants: [DataScope extends infer _ ? 'store' | 'region' | 'format' | 'supplier' : never, string][]
) => ({ all: false, grants: grants.map(([kind, value]) => ({ kind, value })) }) as DataScope;
const STORE_3 = scoped(['store', 'S0003']);
const CENTRAL = scoped(['region', '华中']); // stores 3, 4 and 10
const SUPPLIER_1 = scoped(['supplier', 'V0001']);

/** Hand-written SQL of the same question: the figure the scoped query must equal. */
async function sql(text: string): Promise<number> {
  const [row] = await engine.query(text);
  return Number(Object.values(row ?? {})[0] ?? 0);
}

describe('row-level security in the metric compiler', () => {
  it("gives a store manager her store's figures and no other store's row", async () => {
    const result = await runQuery(
      engine,
      { metrics: ['net_sales', 'orders'], dimensions: ['store'], timeRange: month },
      { scope: STORE_3 },
    );
    expect(result.rows).toHaveLength(1);
    const net = await sql(
      `SELECT sum(net) FROM sales_line WHERE store_id = 3 AND date BETWEEN '2026-10-01' AND '2026-10-31'`,
    );
    expect(result.rows[0]?.net_sales).toBeCloseTo(net, 2);
    const orders = await sql(
      `SELECT count(*) FROM orders WHERE store_id = 3 AND status = 'completed' AND date BETWEEN '2026-10-01' AND '2026-10-31'`,
    );
    expect(result.rows[0]?.orders).toBe(orders);
  });

  it("keeps a region manager's totals to the region's stores, also in ratios and comparisons", async () => {
    const result = await runQuery(
      engine,
      { metrics: ['net_sales', 'atv', 'gross_margin'], timeRange: month, compare: 'yoy' },
      { scope: CENTRAL },
    );
    const net = await sql(
      `SELECT sum(net) FROM sales_line WHERE store_id IN (3, 4, 10) AND date BETWEEN '2026-10-01' AND '2026-10-31'`,
    );
    const before = await sql(
      `SELECT sum(net) FROM sales_line WHERE store_id IN (3, 4, 10) AND date BETWEEN '2025-10-01' AND '2025-10-31'`,
    );
    const cost = await sql(
      `SELECT sum(cost) FROM sales_line WHERE store_id IN (3, 4, 10) AND date BETWEEN '2026-10-01' AND '2026-10-31'`,
    );
    expect(result.rows[0]?.net_sales).toBeCloseTo(net, 2);
    expect(result.rows[0]?.net_sales_prev).toBeCloseTo(before, 2);
    expect(result.rows[0]?.gross_margin).toBeCloseTo((net - cost) / net, 6);
    const all = await runQuery(engine, { metrics: ['net_sales'], timeRange: month });
    expect(Number(all.rows[0]?.net_sales)).toBeGreaterThan(net * 1.5);
  });

  it("shows a supplier its own products' sales only, and refuses what holds no product", async () => {
    const result = await runQuery(
      engine,
      { metrics: ['net_sales', 'units'], dimensions: ['supplier'], timeRange: month },
      { scope: SUPPLIER_1 },
    );
    const [own] = await engine.query('SELECT name FROM supplier WHERE supplier_id = 1');
    expect(result.rows.map((r) => r.supplier)).toEqual([own?.name]);
    const net = await sql(
      `SELECT sum(l.net) FROM sales_line l JOIN product p USING (sku)
       WHERE p.supplier_id = 1 AND l.date BETWEEN '2026-10-01' AND '2026-10-31'`,
    );
    expect(result.rows[0]?.net_sales).toBeCloseTo(net, 2);
    // Tickets holding its products are its own lines counted by ticket.
    const tickets = await runQuery(engine, { metrics: ['orders'], timeRange: month }, { scope: SUPPLIER_1 });
    const withProducts = await sql(
      `SELECT count(DISTINCT l.order_id) FROM sales_line l JOIN product p USING (sku)
       WHERE p.supplier_id = 1 AND l.qty > 0 AND l.date BETWEEN '2026-10-01' AND '2026-10-31'`,
    );
    expect(tickets.rows[0]?.orders).toBe(withProducts);
    // Footfall, labour and forecasts of store sales belong to the stores, not to a supplier.
    for (const metric of ['visitors', 'conversion_rate', 'sales_per_labour_hour', 'forecast_accuracy'])
      await expect(
        runQuery(engine, { metrics: [metric], timeRange: month }, { scope: SUPPLIER_1 }),
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
    // Nor do the stores' own operating facts: dividing its sales by them would reveal each store's open days
    // and selling area (psd by store, sales per m² by store), so metrics over them are refused.
    for (const metric of ['psd', 'sales_per_m2', 'sales_per_m2_year'])
      await expect(
        runQuery(
          engine,
          { metrics: [metric], dimensions: ['store'], timeRange: month },
          { scope: SUPPLIER_1 },
        ),
      ).rejects.toMatchObject({ code: 'FORBIDDEN', place: { field: metric } });
  });

  it('shows nothing to a scoped user without grants', async () => {
    const result = await runQuery(
      engine,
      { metrics: ['net_sales', 'orders'], dimensions: ['store'], timeRange: month },
      { scope: { all: false, grants: [] } },
    );
    expect(result.rows).toEqual([]);
    const total = await runQuery(
      engine,
      { metrics: ['net_sales'], timeRange: month },
      { scope: { all: false, grants: [] } },
    );
    expect(total.rows[0]?.net_sales ?? null).toBeNull();
  });

  it('filters rollups the same as rows, and never shares a cached answer across scopes', async () => {
    const q = { metrics: ['net_sales', 'orders', 'atv'], dimensions: ['region'], timeRange: month };
    const fromRows = await runQuery(engine, q, { scope: CENTRAL, cache: false });
    await refreshRollups(engine);
    const fromRollups = await runQuery(engine, q, { scope: CENTRAL, cache: false });
    expect(fromRollups.meta.rollups).toEqual(['orders_day', 'sales_day']);
    expect(fromRollups.rows).toEqual(fromRows.rows);
    // Warm the cache as one user, then ask the same question as another.
    const fresh = { ...q, dimensions: ['format'] };
    const asStore = await runQuery(engine, fresh, { scope: STORE_3 });
    const asStoreAgain = await runQuery(engine, fresh, { scope: STORE_3 });
    expect(asStoreAgain.meta.cached).toBe(true);
    const asRegion = await runQuery(engine, fresh, { scope: CENTRAL });
    expect(asRegion.meta.cached).toBe(false);
    expect(asStore.rows.map((r) => r.format)).toEqual(['supermarket']);
    expect(asRegion.rows.map((r) => r.format).sort()).toEqual(['department_store', 'fresh', 'supermarket']);
    const asAll = await runQuery(engine, fresh);
    expect(asAll.meta.cached).toBe(false);
    expect(asAll.rows).toHaveLength(4);
    // A supplier's question cannot be answered from a rollup that lost the product.
    const supplier = await runQuery(
      engine,
      { metrics: ['net_sales'], timeRange: month },
      { scope: SUPPLIER_1 },
    );
    expect(supplier.meta.rollups).toEqual([]);
  });

  it('keeps drill-through to the granted rows', async () => {
    const rows = (await drillRows(engine, { timeRange: month, limit: 1000 }, STORE_3)).rows;
    expect(rows.length).toBeGreaterThan(100);
    expect(new Set(rows.map((r) => r.store)).size).toBe(1);
    const supplierRows = (await drillRows(engine, { timeRange: month, limit: 1000 }, SUPPLIER_1)).rows;
    const skus = await engine.query('SELECT name FROM product WHERE supplier_id = 1');
    const own = new Set(skus.map((r) => r.name));
    expect(supplierRows.length).toBeGreaterThan(10);
    expect(supplierRows.every((r) => own.has(r.sku ?? ''))).toBe(true);
  });

  it('answers member repurchase and registrations within the stores granted', async () => {
    const result = await runQuery(
      engine,
      { metrics: ['repurchase_rate', 'new_members'], timeRange: month },
      { scope: STORE_3 },
    );
    const active =
      await sql(`SELECT count(*) FROM (SELECT member_id FROM orders WHERE store_id = 3 AND member_id IS NOT NULL
      AND status = 'completed' AND date BETWEEN '2026-10-01' AND '2026-10-31' GROUP BY member_id)`);
    const repeat =
      await sql(`SELECT count(*) FROM (SELECT member_id FROM orders WHERE store_id = 3 AND member_id IS NOT NULL
      AND status = 'completed' AND date BETWEEN '2026-10-01' AND '2026-10-31' GROUP BY member_id HAVING count(*) >= 2)`);
    expect(result.rows[0]?.repurchase_rate).toBeCloseTo(repeat / active, 6);
    const registered = await sql(`SELECT count(*) FROM member WHERE home_store_id = 3
      AND CAST(registered_at AS DATE) BETWEEN '2026-10-01' AND '2026-10-31'`);
    expect(result.rows[0]?.new_members).toBe(registered);
  });
});
