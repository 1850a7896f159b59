import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../../test/support/paths.js';
import { openWarehouse, type Warehouse } from '../../warehouse/index.js';
import { clerkAttribution, tierConversion, tierFunnel, upgradeEffect } from './index.js';

/** The tier funnel, conversion, clerks and the upgrade comparison on the demo chain, checked against its tables. */
let warehouse: Warehouse;
beforeAll(async () => {
  warehouse = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
});
afterAll(() => warehouse?.close());

const count = async (sql: string, params: (string | number)[] = []) =>
  Number((await warehouse.query(sql, params))[0]?.n);

describe('member tiers', () => {
  it('counts each stage at each month end, the upgrades of the month and the renewals due and made', async () => {
    const months = await tierFunnel(warehouse, { from: '2026-01', to: '2026-10' });
    expect(months.map((m) => m.month)).toEqual([
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
    ]);
    const june = months[5];
    expect(june?.registered).toBe(
      await count(
        "SELECT count(*) AS n FROM member WHERE registered_at < DATE '2026-07-01' AND merged_into IS NULL",
      ),
    );
    expect(june?.paid).toBe(
      await count(
        "SELECT count(*) AS n FROM member WHERE tier = 'paid' AND tier_since < DATE '2026-07-01' AND merged_into IS NULL",
      ),
    );
    expect(june?.toPaid).toBe(
      await count(
        "SELECT count(*) AS n FROM member WHERE tier = 'paid' AND date_trunc('month', tier_since) = DATE '2026-06-01'",
      ),
    );
    for (const m of months) {
      // A paid member reached the wallet stage too (at the latest the same day).
      expect(m.paid).toBeLessThanOrEqual(m.wallet);
      expect(m.wallet).toBeLessThanOrEqual(m.registered);
      expect(m.renewed).toBeLessThanOrEqual(m.renewalsDue);
    }
    expect(months.reduce((s, m) => s + m.renewed, 0)).toBeGreaterThan(0);
    // A store manager's funnel: his store's members only.
    const [own] = await tierFunnel(warehouse, { from: '2026-06', to: '2026-06', stores: [1] });
    expect(own?.registered).toBe(
      await count(
        "SELECT count(*) AS n FROM member WHERE registered_at < DATE '2026-07-01' AND home_store_id = 1",
      ),
    );
    await expect(tierFunnel(warehouse, { from: '2026-13', to: '2026-10' })).rejects.toThrow(/YYYY-MM/);
  });

  it('splits conversion by channel and by the clerk who recruited, everyone counted once', async () => {
    const joined = await count(
      "SELECT count(*) AS n FROM member WHERE registered_at >= DATE '2026-01-01' AND registered_at < DATE '2026-11-01'",
    );
    for (const by of ['channel', 'store', 'clerk'] as const) {
      const groups = await tierConversion(warehouse, { from: '2026-01', to: '2026-10', by });
      expect(groups.reduce((s, g) => s + g.joined, 0)).toBe(joined);
      for (const g of groups) expect(g.paid).toBeLessThanOrEqual(g.wallet);
    }
    const clerks = await tierConversion(warehouse, { from: '2026-01', to: '2026-10', by: 'clerk' });
    expect(clerks.find((g) => g.key === '')?.label).toBe('（无导购）');
    expect(clerks.some((g) => /员工\d+ · /.test(g.label))).toBe(true);
  });

  it('ranks clerks within their stores by their recruits’ sales', async () => {
    const clerks = await clerkAttribution(warehouse, { from: '2026-08-01', to: '2026-10-31' });
    expect(clerks.reduce((s, c) => s + c.recruits, 0)).toBe(
      await count('SELECT count(*) AS n FROM member WHERE recruited_by IS NOT NULL'),
    );
    const sales = await warehouse.query(
      `SELECT CAST(sum(o.net) AS DOUBLE) AS n FROM orders o JOIN member m USING (member_id)
       WHERE m.recruited_by IS NOT NULL AND o.status = 'completed' AND o.date BETWEEN DATE '2026-08-01' AND DATE '2026-10-31'`,
    );
    expect(clerks.reduce((s, c) => s + c.sales, 0)).toBeCloseTo(Number(sales[0]?.n), 2);
    for (const store of new Set(clerks.map((c) => c.store))) {
      const ranked = clerks.filter((c) => c.store === store);
      expect(ranked[0]?.rank).toBe(1);
      for (let i = 1; i < ranked.length; i++)
        expect((ranked[i - 1] as { sales: number }).sales).toBeGreaterThanOrEqual(
          (ranked[i] as { sales: number }).sales,
        );
      for (const c of ranked) expect(c.repeaters).toBeLessThanOrEqual(c.buyers);
    }
  });

  it('compares upgraders with like members who did not upgrade, leaving out months the data cannot follow', async () => {
    const effect = await upgradeEffect(warehouse, { from: '2026-01', to: '2026-10', days: 60 });
    expect(effect.treated).toBeGreaterThan(50);
    expect(effect.control).toBeGreaterThan(effect.treated * 10);
    expect(effect.low).toBeLessThan(effect.lift as number);
    expect(effect.high).toBeGreaterThan(effect.lift as number);
    // The data ends 2026-11-15: months whose 60 days after run past it are not compared.
    expect(effect.monthsLeftOut).toEqual(['2026-09', '2026-10']);
  });
});
