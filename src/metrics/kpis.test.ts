import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyChain } from '../../test/support/tiny-chain.js';
import { insertRows, type Warehouse } from '../warehouse/index.js';
import { runQuery } from './index.js';

let engine: Warehouse;
beforeAll(async () => {
  engine = await tinyChain();
});
afterAll(() => engine?.close());

const both = { from: '2024-03-04', to: '2024-03-05' };
const chain = async (metric: string, timeRange = both) =>
  (await runQuery(engine, { metrics: [metric], timeRange })).rows[0]?.[metric];
const byStore = async (metric: string) => {
  const { rows } = await runQuery(engine, { metrics: [metric], dimensions: ['store_code'], timeRange: both });
  return Object.fromEntries(rows.map((r) => [r.store_code, r[metric]]));
};

describe('each KPI of the catalogue, on a chain computed by hand', () => {
  // Lines: A 20+10+10+30+10−10 = 70, B 60 → 130. Cost: A 12+6+6+18+6−6 = 42, B 36 → 78.
  it('net_sales sums net of lines, returns subtracting', async () => {
    expect(await chain('net_sales')).toBeCloseTo(130, 6);
    expect(await byStore('net_sales')).toEqual({ A: 70, B: 60 });
  });

  it('orders counts completed tickets only (not the return, not the cancelled delivery)', async () => {
    expect(await chain('orders')).toBe(5);
  });

  it('atv and upt divide summed parts', async () => {
    expect(await chain('atv')).toBeCloseTo(130 / 5, 9);
    // units: 2+1+1+3+1−1+3 = 10
    expect(await chain('upt')).toBeCloseTo(10 / 5, 9);
  });

  it('psd divides by open store-days only (store B was closed on Tuesday)', async () => {
    expect(await chain('psd')).toBeCloseTo(130 / 3, 9);
    expect(await byStore('psd')).toEqual({ A: 35, B: 60 });
  });

  it('visitors and conversion use in-store orders over counted visitors', async () => {
    expect(await chain('visitors')).toBe(20);
    // in-store completed tickets: 1, 2, 4 (A) and 6 (B) = 4; the delivery ticket is not in-store
    expect(await chain('conversion_rate')).toBeCloseTo(4 / 20, 9);
  });

  it('gross profit and margin', async () => {
    expect(await chain('gross_profit')).toBeCloseTo(130 - 78, 6);
    expect(await chain('gross_margin')).toBeCloseTo(52 / 130, 9);
  });

  it('sales per m² divides by the area of each open store-day', async () => {
    expect(await chain('sales_per_m2')).toBeCloseTo(130 / (100 + 100 + 1000), 9);
    expect(await chain('sales_per_m2_year')).toBeCloseTo((130 / 1200) * 365, 6);
  });

  it('members counts registrations up to the period end; new_members those inside it', async () => {
    expect(await chain('members', { from: '2024-03-04', to: '2024-03-04' })).toBe(2);
    expect(await chain('members')).toBe(3);
    expect(await chain('new_members')).toBe(2);
  });

  it('active members, member sales share and repurchase rate', async () => {
    expect(await chain('active_members')).toBe(3);
    // member lines: 20+10+30 (100) + 10 (101) + 60 (102) = 130 of 130... minus nothing: the return had no member
    expect(await chain('member_sales_share')).toBeCloseTo(130 / 130, 9);
    // member 100 has two completed orders, 101 and 102 one each
    expect(await chain('repurchase_rate')).toBeCloseTo(1 / 3, 9);
    expect(await byStore('member_sales_share')).toEqual({ A: 70 / 70, B: 1 });
  });

  it('dau averages distinct daily users over the days', async () => {
    expect(await chain('dau')).toBeCloseTo((2 + 1) / 2, 9);
  });

  it('sku movement rate compares SKUs sold with SKUs on hand or sold', async () => {
    // store A sold skus 1 and 2; it held 1, 2, 3 on hand over the period
    // store B sold sku 3 without a stock count: it was there, so B moved all it had (never over 100%)
    expect(await byStore('sku_movement_rate')).toEqual({ A: 2 / 3, B: 1 });
  });

  it('days of inventory: ending stock cost over average daily cost of sales', async () => {
    // A: ending (Tuesday) stock 42+0+24 = 66; cost of sales 42 over 2 days = 21/day
    expect(await byStore('days_of_inventory')).toMatchObject({ A: 66 / 21 });
  });

  it('sell-through: units sold over units sold plus ending units', async () => {
    // A: units 2+1+1+3+1−1 = 7; ending units 7+0+4 = 11
    expect(await byStore('sell_through')).toMatchObject({ A: 7 / 18 });
  });

  it('labour productivity and labour cost ratio', async () => {
    expect(await chain('sales_per_labour_hour')).toBeCloseTo(130 / 22, 9);
    expect(await chain('labour_cost_ratio')).toBeCloseTo(600 / 130, 9);
  });

  it('scheduled hours from published shifts (a night shift counted whole), attended hours, and adherence', async () => {
    await insertRows(engine, 'shift', [
      {
        employee_id: 1,
        store_id: 1,
        date: '2024-03-04',
        start_ts: '2024-03-04 08:00:00',
        end_ts: '2024-03-04 16:00:00',
        role: 'clerk',
      },
      {
        employee_id: 2,
        store_id: 1,
        date: '2024-03-05',
        start_ts: '2024-03-05 22:00:00',
        end_ts: '2024-03-06 07:30:00',
        role: 'clerk',
      },
    ]);
    expect(await chain('scheduled_hours')).toBeCloseTo(8 + 9.5, 9);
    expect(await chain('attended_hours')).toBeCloseTo(22, 9);
    expect(await chain('schedule_adherence')).toBeCloseTo(22 / 17.5, 9);
  });

  it('cuts by channel, category and member tier from the right facts', async () => {
    const { rows } = await runQuery(engine, {
      metrics: ['net_sales', 'orders'],
      dimensions: ['category_l1'],
      timeRange: both,
    });
    // 生鲜 lines: 20 + 30 + 10 = 60 in orders 1, 3, 4; 食品: 10+10−10+60 = 70 in orders 1, 2, 6 (return excluded)
    expect(rows).toEqual([
      { category_l1: '食品', net_sales: 70, orders: 3 },
      { category_l1: '生鲜', net_sales: 60, orders: 3 },
    ]);
    const tiers = await runQuery(engine, {
      metrics: ['net_sales'],
      dimensions: ['member_tier'],
      timeRange: both,
    });
    expect(Object.fromEntries(tiers.rows.map((r) => [r.member_tier, r.net_sales]))).toEqual({
      paid: 60,
      registered: 10,
      wallet: 60,
      non_member: 0,
    });
  });
});

describe('forecast against actual', () => {
  it('reads the newest store run of each store-day, and scores it over days with known sales', async () => {
    const row = (run_id: number, level: string, store_id: number, date: string, p50: number) => ({
      run_id,
      level,
      model: 'gbt',
      store_id,
      date,
      p10: p50 * 0.8,
      p50,
      p90: p50 * 1.2,
    });
    await insertRows(engine, 'forecast', [
      row(1, 'store', 1, '2024-03-04', 50),
      row(1, 'store', 1, '2024-03-05', 10),
      row(1, 'store', 2, '2024-03-04', 90),
      row(1, 'store', 2, '2024-03-05', 0),
      row(1, 'store', 1, '2024-03-06', 40),
      // A newer run forecast store A's Monday again; a category run is not a store forecast.
      row(2, 'store', 1, '2024-03-04', 80),
      { ...row(3, 'category', 1, '2024-03-04', 1000), category: '生鲜' },
    ]);
    // Actual: A Mon 70, A Tue 0 (a sale and its return), B Mon 60, B Tue closed (no sales, not scored).
    // |error|: A Mon 10, A Tue 10, B Mon 30 → accuracy = 1 − 50/130.
    expect(await chain('forecast_sales')).toBeCloseTo(80 + 10 + 90 + 0, 9);
    expect(await chain('forecast_accuracy')).toBeCloseTo(1 - 50 / 130, 9);
    expect(await chain('forecast_actual_ratio')).toBeCloseTo(180 / 130, 9);
    expect(await byStore('forecast_accuracy')).toEqual({ A: 1 - 20 / 70, B: 1 - 30 / 60 });
    // Wednesday has a forecast and no sales yet: it adds to the forecast, not to the score.
    const week = { from: '2024-03-04', to: '2024-03-06' };
    expect(await chain('forecast_sales', week)).toBeCloseTo(220, 9);
    expect(await chain('forecast_accuracy', week)).toBeCloseTo(1 - 50 / 130, 9);
  });
});

describe('member and campaign KPIs, on scores and evaluations written by hand', () => {
  it('cuts sales by RFM segment and CLV band (members not scored and non-members apart), averages CLV', async () => {
    // Member 100 bought 60 (A), 101 bought 10 (A), 102 bought 60 (B); 102 is not scored.
    await insertRows(engine, 'member_score', [
      {
        member_id: 100,
        as_of: '2024-03-05',
        home_store_id: 1,
        recency_days: 1,
        frequency: 2,
        monetary: 60,
        rfm_segment: 'important_value',
        p_alive: 0.9,
        expected_purchases: 12,
        expected_value: 600,
        clv_band: 'high',
      },
      {
        member_id: 101,
        as_of: '2024-03-05',
        home_store_id: 1,
        recency_days: 0,
        frequency: 1,
        monetary: 10,
        rfm_segment: 'general_develop',
        p_alive: 0.5,
        expected_purchases: 2,
        expected_value: 100,
        clv_band: 'low',
      },
    ]);
    const { rows } = await runQuery(engine, {
      metrics: ['net_sales'],
      dimensions: ['rfm_segment'],
      timeRange: both,
    });
    expect(Object.fromEntries(rows.map((r) => [r.rfm_segment, r.net_sales]))).toEqual({
      important_value: 60,
      general_develop: 10,
      // member 102's 60 and the non-members' 10 − 10
      unscored: 60,
    });
    const bands = await runQuery(engine, { metrics: ['orders'], dimensions: ['clv_band'], timeRange: both });
    expect(Object.fromEntries(bands.rows.map((r) => [r.clv_band, r.orders]))).toEqual({
      high: 2,
      low: 1,
      unscored: 2,
    });
    // Scores count on the day they were made: (600 + 100) ÷ 2 members valued; a store manager's store only.
    expect(await chain('member_clv')).toBeCloseTo(350, 9);
    expect(await byStore('member_clv')).toEqual({ A: 350 });
    expect(await chain('member_clv', { from: '2024-03-04', to: '2024-03-04' })).toBeNull();
  });

  it('sums campaigns’ incremental sales, and divides incremental profit by the cost of campaigns that have it', async () => {
    const result = (
      campaign_id: number,
      incremental_sales: number,
      gross: number | null,
      cost: number | null,
    ) => ({
      campaign_id,
      date: '2024-03-05',
      evaluated_at: '2024-03-06 08:00:00',
      design: 'holdout',
      targeted: 100,
      control: 100,
      redemptions: 10,
      lift_per_member: incremental_sales / 100,
      lift_low: 0,
      lift_high: 1,
      incremental_sales,
      incremental_gross_profit: gross,
      cost,
    });
    await insertRows(engine, 'campaign', [
      {
        campaign_id: 1,
        name: '会员日',
        type: 'member_day',
        start_date: '2024-03-04',
        end_date: '2024-03-05',
        budget: null,
        other_cost: 50,
      },
      {
        campaign_id: 2,
        name: '短信',
        type: 'targeted',
        start_date: '2024-03-04',
        end_date: '2024-03-05',
        budget: null,
        other_cost: 20,
      },
      {
        campaign_id: 3,
        name: '未知成本',
        type: 'targeted',
        start_date: '2024-03-04',
        end_date: '2024-03-05',
        budget: null,
        other_cost: null,
      },
    ]);
    await insertRows(engine, 'campaign_result', [
      result(1, 1000, 300, 100),
      result(2, -40, -12, 20),
      result(3, 500, null, 80),
    ]);
    expect(await chain('campaign_incremental_sales')).toBeCloseTo(1460, 9);
    // (300 − 12) ÷ (100 + 20): campaign 3's cost has no profit beside it, so it is left out of both.
    expect(await chain('campaign_roi')).toBeCloseTo(288 / 120, 9);
    const { rows } = await runQuery(engine, {
      metrics: ['campaign_roi'],
      dimensions: ['campaign'],
      timeRange: both,
    });
    expect(Object.fromEntries(rows.map((r) => [r.campaign, r.campaign_roi]))).toEqual({
      会员日: 3,
      短信: -0.6,
      未知成本: null,
    });
  });

  it('paid renewal rate: periods renewed over periods that ran out (a refunded period ends with no member)', async () => {
    const change = (membership_id: number, kind: string, members: number, renewals: number | null) => ({
      membership_id,
      change: kind,
      member_code: `M${membership_id}`,
      date: '2024-03-05',
      store_id: 1,
      plan: 'annual',
      members,
      amount: kind === 'sale' ? 199 : 0,
      renewals,
    });
    await insertRows(engine, 'paid_member_change', [
      change(1, 'end', -1, null),
      change(2, 'end', -1, null),
      change(3, 'end', 0, null),
      change(4, 'sale', 0, 1),
      change(4, 'start', 1, null),
    ]);
    expect(await chain('paid_renewal_rate')).toBeCloseTo(1 / 2, 9);
  });
});

describe('like-for-like growth', () => {
  it('keeps only stores open through both periods', async () => {
    // Week over week 2024-03-04..05 vs 2024-02-26..27: no sales a week earlier, so growth is undefined (null),
    // and store B (opened 2024-01-01) would be excluded from yoy because it was not open a year before.
    const { rows } = await runQuery(engine, { metrics: ['lfl_growth'], timeRange: both, compare: 'wow' });
    expect(rows[0]?.lfl_growth).toBeNull();
  });
});
