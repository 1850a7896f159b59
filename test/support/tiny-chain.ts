import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertRows, openWarehouse, seedStoreHistory, type Warehouse } from '../../src/warehouse/index.js';

/**
 * A chain small enough to compute every KPI by hand: two stores, two days (2024-03-04 Mon and
 * 2024-03-05 Tue), a handful of tickets. The expected figures in the tests are written out as
 * arithmetic on these rows.
 */
export async function tinyChain(
  path = join(mkdtempSync(join(tmpdir(), 'zhongtai-tiny-')), 'tiny.duckdb'),
): Promise<Warehouse> {
  const engine = await openWarehouse({ path });
  await insertRows(engine, 'store', [
    {
      store_id: 1,
      code: 'A',
      name: '华南店',
      format: 'convenience',
      region: '华南',
      city: '广州',
      open_date: '2020-01-01',
      close_date: null,
      selling_area_m2: 100,
    },
    {
      store_id: 2,
      code: 'B',
      name: '华东店',
      format: 'supermarket',
      region: '华东',
      city: '上海',
      open_date: '2024-01-01',
      close_date: null,
      selling_area_m2: 1000,
    },
  ]);
  await engine.run(seedStoreHistory());
  await insertRows(engine, 'supplier', [{ supplier_id: 1, code: 'V1', name: '鲜果供应商' }]);
  const product = (sku: number, l1: string, l2: string) => ({
    sku,
    code: `P${sku}`,
    name: `商品${sku}`,
    category_l1: l1,
    category_l2: l2,
    category_l3: l2,
    brand: '好品',
    supplier_id: 1,
    unit: '件',
    shelf_life_days: 10,
    list_price: 10,
    unit_cost: 6,
    pack_size: 1,
  });
  await insertRows(engine, 'product', [
    product(1, '生鲜', '水果'),
    product(2, '食品', '零食'),
    product(3, '食品', '零食'),
  ]);
  await insertRows(engine, 'member', [
    {
      member_id: 100,
      registered_at: '2024-03-01 10:00:00',
      registered_channel: 'pos',
      home_store_id: 1,
      tier: 'paid',
      tier_since: '2024-03-01',
      paid_until: '2025-03-01',
    },
    {
      member_id: 101,
      registered_at: '2024-03-04 11:00:00',
      registered_channel: 'mini_program',
      home_store_id: 1,
      tier: 'registered',
      tier_since: '2024-03-04',
      paid_until: null,
    },
    {
      member_id: 102,
      registered_at: '2024-03-05 12:00:00',
      registered_channel: 'pos',
      home_store_id: 2,
      tier: 'wallet',
      tier_since: '2024-03-05',
      paid_until: null,
    },
  ]);
  const line = (
    order_id: number,
    line_no: number,
    date: string,
    hour: number,
    store_id: number,
    channel: string,
    sku: number,
    member_id: number | null,
    qty: number,
    net: number,
    cost: number,
  ) => ({
    order_id,
    line_no,
    ts: `${date} ${String(hour).padStart(2, '0')}:15:00`,
    date,
    store_id,
    channel,
    sku,
    member_id,
    qty,
    gross: net,
    discount: 0,
    net,
    cost,
    promotion_id: null,
    coupon_id: null,
  });
  // Store A, Monday: ticket 1 (member 100, two lines), ticket 2 (no member), ticket 3 delivery (member 100)
  // Store A, Tuesday: ticket 4 (member 101); a return ticket 5 of one unit.
  // Store B, Monday: ticket 6 (member 102, three units of sku 3).
  const lines = [
    line(1, 1, '2024-03-04', 9, 1, 'pos', 1, 100, 2, 20, 12),
    line(1, 2, '2024-03-04', 9, 1, 'pos', 2, 100, 1, 10, 6),
    line(2, 1, '2024-03-04', 10, 1, 'pos', 2, null, 1, 10, 6),
    line(3, 1, '2024-03-04', 18, 1, 'delivery', 1, 100, 3, 30, 18),
    line(4, 1, '2024-03-05', 9, 1, 'pos', 1, 101, 1, 10, 6),
    line(5, 1, '2024-03-05', 11, 1, 'pos', 2, null, -1, -10, -6),
    line(6, 1, '2024-03-04', 15, 2, 'pos', 3, 102, 3, 60, 36),
  ];
  await insertRows(engine, 'sales_line', lines);
  const order = (
    order_id: number,
    date: string,
    hour: number,
    store_id: number,
    channel: string,
    member_id: number | null,
    status: string,
    net: number,
    items: number,
  ) => ({
    order_id,
    ts: `${date} ${String(hour).padStart(2, '0')}:15:00`,
    date,
    store_id,
    channel,
    member_id,
    status,
    net,
    items,
  });
  await insertRows(engine, 'orders', [
    order(1, '2024-03-04', 9, 1, 'pos', 100, 'completed', 30, 2),
    order(2, '2024-03-04', 10, 1, 'pos', null, 'completed', 10, 1),
    order(3, '2024-03-04', 18, 1, 'delivery', 100, 'completed', 30, 1),
    order(4, '2024-03-05', 9, 1, 'pos', 101, 'completed', 10, 1),
    order(5, '2024-03-05', 11, 1, 'pos', null, 'returned', -10, 1),
    order(6, '2024-03-04', 15, 2, 'pos', 102, 'completed', 60, 1),
    order(7, '2024-03-05', 15, 2, 'delivery', 102, 'cancelled', 0, 0),
  ]);
  await insertRows(engine, 'store_day', [
    { store_id: 1, date: '2024-03-04', is_open: true, selling_area_m2: 100 },
    { store_id: 1, date: '2024-03-05', is_open: true, selling_area_m2: 100 },
    { store_id: 2, date: '2024-03-04', is_open: true, selling_area_m2: 1000 },
    { store_id: 2, date: '2024-03-05', is_open: false, selling_area_m2: 1000 },
  ]);
  await insertRows(engine, 'traffic', [
    { store_id: 1, date: '2024-03-04', hour: 9, visitors_in: 4, source: 'counter' },
    { store_id: 1, date: '2024-03-04', hour: 10, visitors_in: 6, source: 'counter' },
    { store_id: 1, date: '2024-03-05', hour: 9, visitors_in: 5, source: 'counter' },
    { store_id: 2, date: '2024-03-04', hour: 15, visitors_in: 5, source: 'counter' },
  ]);
  await insertRows(engine, 'inventory_snapshot', [
    { date: '2024-03-04', store_id: 1, sku: 1, on_hand_qty: 10, on_hand_cost: 60 },
    { date: '2024-03-04', store_id: 1, sku: 2, on_hand_qty: 5, on_hand_cost: 30 },
    { date: '2024-03-04', store_id: 1, sku: 3, on_hand_qty: 4, on_hand_cost: 24 },
    { date: '2024-03-05', store_id: 1, sku: 1, on_hand_qty: 7, on_hand_cost: 42 },
    { date: '2024-03-05', store_id: 1, sku: 2, on_hand_qty: 0, on_hand_cost: 0 },
    { date: '2024-03-05', store_id: 1, sku: 3, on_hand_qty: 4, on_hand_cost: 24 },
  ]);
  await insertRows(engine, 'app_activity', [
    { member_id: 100, date: '2024-03-04', channel: 'mini_program' },
    { member_id: 101, date: '2024-03-04', channel: 'mini_program' },
    { member_id: 100, date: '2024-03-05', channel: 'app' },
  ]);
  await insertRows(engine, 'attendance', [
    {
      employee_id: 1,
      store_id: 1,
      date: '2024-03-04',
      clock_in: '2024-03-04 08:00:00',
      clock_out: '2024-03-04 16:00:00',
      role: 'clerk',
      hours: 8,
      labour_cost: 200,
    },
    {
      employee_id: 1,
      store_id: 1,
      date: '2024-03-05',
      clock_in: '2024-03-05 08:00:00',
      clock_out: '2024-03-05 12:00:00',
      role: 'clerk',
      hours: 4,
      labour_cost: 100,
    },
    {
      employee_id: 2,
      store_id: 2,
      date: '2024-03-04',
      clock_in: '2024-03-04 08:00:00',
      clock_out: '2024-03-04 18:00:00',
      role: 'clerk',
      hours: 10,
      labour_cost: 300,
    },
  ]);
  return engine;
}
