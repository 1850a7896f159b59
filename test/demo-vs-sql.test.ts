import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../src/metrics/index.js';
import { openWarehouse, type Row, type Warehouse } from '../src/warehouse/index.js';
import { SMALL_DEMO } from './support/paths.js';

/**
 * The metric layer's answers on the demo chain against SQL written by hand for each question,
 * straight on the tables — not through the compiler.
 */
let engine: Warehouse;
beforeAll(async () => {
  engine = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
});
afterAll(() => engine.close());

const range = { from: '2026-08-01', to: '2026-10-31' };

function expectSameRows(actual: Row[], expected: Row[], keys: string[]) {
  const key = (r: Row) => keys.map((k) => String(r[k])).join('|');
  const want = new Map(expected.map((r) => [key(r), r]));
  expect(actual.length).toBe(expected.length);
  expect(actual.length).toBeGreaterThan(0);
  for (const row of actual) {
    const other = want.get(key(row));
    expect(other, `row ${key(row)}`).toBeDefined();
    for (const [column, value] of Object.entries(other ?? {})) {
      if (typeof value === 'number') expect(row[column], `${key(row)} ${column}`).toBeCloseTo(value, 6);
      else expect(row[column]).toEqual(value);
    }
  }
}

describe('metric answers equal hand-written SQL on the demo chain', () => {
  it('动销率 by store × week: SKUs sold over SKUs on hand or sold, never above 100%', async () => {
    const ours = await runQuery(engine, {
      metrics: ['sku_movement_rate'],
      dimensions: ['store_code', 'week'],
      timeRange: { from: '2026-10-19', to: '2026-11-15' },
    });
    const sql = await engine.query(`
      WITH p AS (
        SELECT store_id, sku, date, true AS sold FROM sales_line WHERE qty > 0 AND date BETWEEN '2026-10-19' AND '2026-11-15'
        UNION ALL
        SELECT store_id, sku, date, false FROM inventory_snapshot WHERE on_hand_qty > 0 AND date BETWEEN '2026-10-19' AND '2026-11-15')
      SELECT s.code AS store_code, CAST(CAST(date_trunc('week', p.date) AS DATE) AS VARCHAR) AS week,
             count(DISTINCT CASE WHEN p.sold THEN p.sku END) / count(DISTINCT p.sku) AS sku_movement_rate
      FROM p JOIN store s USING (store_id) GROUP BY 1, 2`);
    expectSameRows(ours.rows, sql, ['store_code', 'week']);
    expect(ours.rows.every((r) => (r.sku_movement_rate as number) <= 1)).toBe(true);
  });

  it('net sales, orders and ATV by store × month', async () => {
    const ours = await runQuery(engine, {
      metrics: ['net_sales', 'orders', 'atv'],
      dimensions: ['store', 'month'],
      timeRange: range,
    });
    const sql = await engine.query(`
      WITH s AS (SELECT st.name AS store, CAST(date_trunc('month', l.date) AS DATE) AS month, sum(l.net) AS net_sales
                 FROM sales_line l JOIN store st USING (store_id) WHERE l.date BETWEEN DATE '2026-08-01' AND DATE '2026-10-31' GROUP BY 1, 2),
           o AS (SELECT st.name AS store, CAST(date_trunc('month', o.date) AS DATE) AS month, count(*) AS orders
                 FROM orders o JOIN store st USING (store_id)
                 WHERE o.status = 'completed' AND o.date BETWEEN DATE '2026-08-01' AND DATE '2026-10-31' GROUP BY 1, 2)
      SELECT s.store, s.month, s.net_sales::DOUBLE AS net_sales, o.orders, s.net_sales / o.orders AS atv FROM s JOIN o USING (store, month)`);
    expectSameRows(ours.rows, sql, ['store', 'month']);
  });

  it('gross margin by region × format, filtered to two formats by their Chinese names', async () => {
    const ours = await runQuery(engine, {
      metrics: ['gross_margin', 'gross_profit'],
      dimensions: ['region', 'format'],
      filters: [{ dimension: 'format', op: 'in', values: ['便利店', '超市'] }],
      timeRange: range,
    });
    const sql = await engine.query(`
      SELECT st.region, st.format, sum(l.net - l.cost)::DOUBLE AS gross_profit, (sum(l.net - l.cost) / sum(l.net))::DOUBLE AS gross_margin
      FROM sales_line l JOIN store st USING (store_id)
      WHERE st.format IN ('convenience', 'supermarket') AND l.date BETWEEN DATE '2026-08-01' AND DATE '2026-10-31' GROUP BY 1, 2`);
    expectSameRows(ours.rows, sql, ['region', 'format']);
  });

  it('year-over-year net sales by region', async () => {
    const ours = await runQuery(engine, {
      metrics: ['net_sales'],
      dimensions: ['region'],
      timeRange: { from: '2026-11-01', to: '2026-11-15' },
      compare: 'yoy',
    });
    expect(ours.meta.compareRange).toEqual({ from: '2025-11-01', to: '2025-11-15' });
    const sql = await engine.query(`
      SELECT st.region,
        sum(l.net) FILTER (WHERE l.date BETWEEN DATE '2026-11-01' AND DATE '2026-11-15')::DOUBLE AS net_sales,
        sum(l.net) FILTER (WHERE l.date BETWEEN DATE '2025-11-01' AND DATE '2025-11-15')::DOUBLE AS net_sales_prev
      FROM sales_line l JOIN store st USING (store_id) GROUP BY 1 HAVING net_sales IS NOT NULL`);
    expectSameRows(
      ours.rows,
      sql.map((r) => ({
        ...r,
        net_sales_pct: (Number(r.net_sales) - Number(r.net_sales_prev)) / Number(r.net_sales_prev),
      })),
      ['region'],
    );
  });

  it('PSD by format divides by open store-days', async () => {
    const ours = await runQuery(engine, { metrics: ['psd'], dimensions: ['format'], timeRange: range });
    const sql = await engine.query(`
      SELECT st.format,
        (SELECT sum(net) FROM sales_line l JOIN store s2 USING (store_id) WHERE s2.format = st.format AND l.date BETWEEN DATE '2026-08-01' AND DATE '2026-10-31')
        / count(*) FILTER (WHERE d.is_open) AS psd
      FROM store_day d JOIN store st USING (store_id) WHERE d.date BETWEEN DATE '2026-08-01' AND DATE '2026-10-31' GROUP BY st.format`);
    expectSameRows(ours.rows, sql, ['format']);
  });

  it('orders of one category are counted from its lines', async () => {
    const ours = await runQuery(engine, {
      metrics: ['orders', 'net_sales'],
      dimensions: ['channel'],
      filters: [{ dimension: 'category_l1', value: '生鲜' }],
      timeRange: range,
    });
    const sql = await engine.query(`
      SELECT l.channel, count(DISTINCT CASE WHEN l.qty > 0 THEN l.order_id END) AS orders, sum(l.net)::DOUBLE AS net_sales
      FROM sales_line l JOIN product p USING (sku)
      WHERE p.category_l1 = '生鲜' AND l.date BETWEEN DATE '2026-08-01' AND DATE '2026-10-31' GROUP BY 1`);
    expectSameRows(ours.rows, sql, ['channel']);
  });

  it('conversion by hour of day for weekends', async () => {
    const ours = await runQuery(engine, {
      metrics: ['conversion_rate'],
      dimensions: ['hour_of_day'],
      filters: [{ dimension: 'weekday', op: 'gte', value: 6 }],
      timeRange: range,
    });
    const sql = await engine.query(`
      WITH o AS (SELECT hour(ts) AS h, count(*) AS n FROM orders
                 WHERE status = 'completed' AND channel IN ('pos', 'self_checkout', 'scan_and_go') AND isodow(date) >= 6
                   AND date BETWEEN DATE '2026-08-01' AND DATE '2026-10-31' GROUP BY 1),
           t AS (SELECT hour AS h, sum(visitors_in) AS v FROM traffic WHERE isodow(date) >= 6
                   AND date BETWEEN DATE '2026-08-01' AND DATE '2026-10-31' GROUP BY 1)
      SELECT CAST(t.h AS INTEGER) AS hour_of_day, o.n / t.v AS conversion_rate FROM t LEFT JOIN o USING (h)`);
    expectSameRows(ours.rows, sql, ['hour_of_day']);
  });

  it('members as of each month end, by tier', async () => {
    const ours = await runQuery(engine, {
      metrics: ['members', 'new_members'],
      dimensions: ['month', 'member_tier'],
      timeRange: range,
    });
    const sql = await engine.query(`
      WITH months AS (SELECT DISTINCT CAST(date_trunc('month', date) AS DATE) AS month FROM calendar WHERE date BETWEEN DATE '2026-08-01' AND DATE '2026-10-31')
      SELECT m.month, t.tier AS member_tier,
        (SELECT count(*) FROM member x WHERE x.tier = t.tier AND CAST(x.registered_at AS DATE) <= least(m.month + INTERVAL 1 MONTH - INTERVAL 1 DAY, DATE '2026-10-31')) AS members,
        (SELECT count(*) FROM member x WHERE x.tier = t.tier AND date_trunc('month', x.registered_at) = m.month) AS new_members
      FROM months m CROSS JOIN (SELECT DISTINCT tier FROM member) t`);
    expectSameRows(ours.rows, sql, ['month', 'member_tier']);
  });

  it('repurchase rate and active members by store for one month', async () => {
    const ours = await runQuery(engine, {
      metrics: ['repurchase_rate', 'active_members'],
      dimensions: ['store_code'],
      timeRange: { from: '2026-10-01', to: '2026-10-31' },
    });
    const sql = await engine.query(`
      WITH per AS (SELECT s.code AS store_code, o.member_id, count(*) AS n FROM orders o JOIN store s USING (store_id)
                   WHERE o.status = 'completed' AND o.member_id IS NOT NULL AND o.date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31' GROUP BY 1, 2)
      SELECT store_code, count(*) FILTER (WHERE n >= 2) / count(*) AS repurchase_rate, count(*) AS active_members FROM per GROUP BY 1`);
    expectSameRows(ours.rows, sql, ['store_code']);
  });

  it('answers every KPI of the catalogue on the demo chain', async () => {
    const { metrics } = await import('../src/metrics/index.js').then((m) => m.catalogDocument());
    // A question holds at most 30 metrics: the catalogue is asked in parts.
    const row: Record<string, unknown> = {};
    for (let i = 0; i < metrics.length; i += 30) {
      const result = await runQuery(engine, {
        metrics: metrics.slice(i, i + 30).map((m) => m.id),
        timeRange: { from: '2026-10-16', to: '2026-11-15' },
        compare: 'yoy',
      });
      Object.assign(row, result.rows[0] ?? {});
    }
    for (const metric of metrics) {
      // Counts of checkouts with a promotion and of coupons issued and redeemed are counts: none is 0.
      if (['promotion_checkouts', 'coupons_issued', 'coupons_redeemed'].includes(metric.id)) {
        expect(row[metric.id], metric.id).toBe(0);
        continue;
      }
      // No forecast was run on this chain, its member center holds no wallet, points or paid members, no
      // checkout went through the promotion center, and its targets are for sales and profit, not orders or units:
      // those figures are missing, not zero.
      if (
        /^(forecast_|wallet_|points_|paid_members|paid_renewal|membership_|deferred_revenue|promotion_|coupon_|(target|attainment)_(orders|units))/.test(
          metric.id,
        )
      ) {
        expect(row[metric.id], metric.id).toBeNull();
        continue;
      }
      expect(typeof row[metric.id], metric.id).toBe('number');
      expect(Number.isFinite(row[metric.id] as number), metric.id).toBe(true);
    }
    expect(row.gross_margin).toBeGreaterThan(0.1);
    expect(row.gross_margin).toBeLessThan(0.5);
    expect(row.conversion_rate).toBeGreaterThan(0.1);
    expect(row.conversion_rate).toBeLessThan(1);
  });
});
