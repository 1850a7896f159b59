import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runQuery } from '../../metrics/index.js';
import { insertRows, openWarehouse, seedStoreHistory, type Warehouse } from '../../warehouse/index.js';
import { allocate, phaseTargets } from './index.js';

/**
 * Targets phased by last year's curve on a chain written by hand: two stores of one region, last year's sales on the
 * days that matter (Spring Festival 2025 fell on 29 January, 2026 on 17 February; 国庆 is 1–7 October both years).
 */
let engine: Warehouse;
beforeEach(async () => {
  engine = await openWarehouse({ path: join(mkdtempSync(join(tmpdir(), 'zhongtai-targets-')), 't.duckdb') });
  const store = (store_id: number, code: string) => ({
    store_id,
    code,
    name: `店${code}`,
    format: 'supermarket',
    region: '华南',
    city: '广州',
    open_date: '2020-01-01',
    close_date: null,
    selling_area_m2: 500,
  });
  await insertRows(engine, 'store', [store(1, 'A'), store(2, 'B')]);
  await engine.run(seedStoreHistory());
  let order = 0;
  const sale = (store_id: number, date: string, net: number) => ({
    order_id: ++order,
    line_no: 1,
    ts: `${date} 10:00:00`,
    date,
    store_id,
    channel: 'pos',
    sku: 1,
    member_id: null,
    qty: 1,
    gross: net,
    discount: 0,
    net,
    cost: net / 2,
    promotion_id: null,
    coupon_id: null,
  });
  await insertRows(engine, 'sales_line', [
    // Spring Festival 2025: the day before, the day, the day after.
    sale(1, '2025-01-28', 100),
    sale(1, '2025-01-29', 1000),
    sale(1, '2025-01-30', 300),
    // 国庆 2025 days 1 and 2 (a Wednesday and a Thursday).
    sale(1, '2025-10-01', 500),
    sale(1, '2025-10-02', 200),
    // Ordinary days of November 2025, store A three times store B.
    sale(1, '2025-11-03', 300),
    sale(2, '2025-11-03', 100),
    sale(1, '2025-11-04', 600),
    sale(2, '2025-11-04', 200),
  ]);
});
afterEach(() => engine?.close());

const target = (kpi: string, level: string, code: string, start: string, end: string, value: number) => ({
  kpi,
  level,
  code,
  period_start: start,
  period_end: end,
  value,
});
const days = async (kpi = 'net_sales') =>
  Object.fromEntries(
    (
      await engine.query(
        `SELECT store_id || ' ' || CAST(date AS VARCHAR) AS k, CAST(value AS VARCHAR) AS v FROM target_day
         WHERE kpi = $1 ORDER BY store_id, date`,
        [kpi],
      )
    ).map((r) => [String(r.k), String(r.v)]),
  );

describe('target phasing', () => {
  it('matches Spring Festival to Spring Festival and 国庆 day to 国庆 day, not date to date', async () => {
    await insertRows(engine, 'target', [
      target('net_sales', 'store', 'A', '2026-02-16', '2026-02-18', 14_000),
      target('net_sales', 'store', 'A', '2026-10-01', '2026-10-02', 7_000),
    ]);
    await phaseTargets(engine);
    // 2026-02-16/17/18 are Spring Festival −1, 0, +1: last year's 100 : 1000 : 300.
    expect(await days()).toMatchObject({
      '1 2026-02-16': '1000.00',
      '1 2026-02-17': '10000.00',
      '1 2026-02-18': '3000.00',
      // 国庆 day 1 and 2 of 2026 (Thursday, Friday) take last year's day 1 and 2: 500 : 200.
      '1 2026-10-01': '5000.00',
      '1 2026-10-02': '2000.00',
    });
  });

  it('weighs ordinary days by the same weekday 52 weeks before, and splits a region by what each store sold', async () => {
    // 2026-11-02 and 03 are Monday and Tuesday; 52 weeks before: 2025-11-03 and 04.
    await insertRows(engine, 'target', [
      target('net_sales', 'region', '华南', '2026-11-02', '2026-11-03', 1_000.01),
    ]);
    await phaseTargets(engine);
    const phased = await days();
    // Weights 300, 600 (A) and 100, 200 (B) of 1,200: to the fen, the odd fen to the largest remainder.
    expect(phased).toEqual({
      '1 2026-11-02': '250.00',
      '1 2026-11-03': '500.01',
      '2 2026-11-02': '83.33',
      '2 2026-11-03': '166.67',
    });
    const fen = Object.values(phased).reduce((s, v) => s + Math.round(Number(v) * 100), 0);
    expect(fen).toBe(100_001);
  });

  it('refuses two levels over one store and day, a store it does not know, and a KPI it cannot phase', async () => {
    await insertRows(engine, 'target', [
      target('net_sales', 'region', '华南', '2026-11-01', '2026-11-30', 1_000),
      target('net_sales', 'store', 'A', '2026-11-01', '2026-11-30', 500),
    ]);
    await expect(phaseTargets(engine)).rejects.toThrow(/one level per store and period/);
    await engine.run('DELETE FROM target');
    await insertRows(engine, 'target', [target('net_sales', 'store', 'Z', '2026-11-01', '2026-11-30', 1)]);
    await expect(phaseTargets(engine)).rejects.toThrow(/no open store matches store "Z"/);
    await engine.run('DELETE FROM target');
    await insertRows(engine, 'target', [target('visitors', 'store', 'A', '2026-11-01', '2026-11-30', 1)]);
    await expect(phaseTargets(engine)).rejects.toThrow(/kpi must be one of/);
  });

  it('answers attainment against the phased target of the days with sales so far', async () => {
    // Last year's November days weigh this November's: the target of 3 and 4 Nov 2025 is asked of 2–3 Nov 2026.
    await insertRows(engine, 'target', [
      target('net_sales', 'store', 'A', '2026-11-02', '2026-11-08', 7_000),
    ]);
    await insertRows(engine, 'sales_line', [
      {
        ...{
          order_id: 900,
          line_no: 1,
          ts: '2026-11-02 10:00:00',
          date: '2026-11-02',
          store_id: 1,
          channel: 'pos',
        },
        ...{
          sku: 1,
          member_id: null,
          qty: 1,
          gross: 2_000,
          discount: 0,
          net: 2_000,
          cost: 1_000,
          promotion_id: null,
          coupon_id: null,
        },
      },
    ]);
    await phaseTargets(engine);
    const { rows } = await runQuery(engine, {
      metrics: ['net_sales', 'target_net_sales', 'attainment_net_sales'],
      timeRange: { from: '2026-11-01', to: '2026-11-30' },
    });
    // The whole week's target is 7,000 (only the first two days had sales last year: 2,333.33 and 4,666.67);
    // sales so far reach 2 Nov, whose target is 2,333.33: attainment 2,000 ÷ 2,333.33.
    expect(rows[0]?.target_net_sales).toBeCloseTo(7_000, 6);
    expect(rows[0]?.attainment_net_sales).toBeCloseTo(2_000 / 2_333.33, 6);
  });
});

describe('allocating whole fen', () => {
  it('adds up to the whole, the odd fen to the largest remainders, flat where nothing weighs', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(1, [0, 0])).toEqual([1, 0]);
    for (const fen of [0, 1, 99, 123_457]) {
      const parts = allocate(fen, [3, 7, 0.5, 11]);
      expect(parts.reduce((s, p) => s + p, 0)).toBe(fen);
    }
  });
});
