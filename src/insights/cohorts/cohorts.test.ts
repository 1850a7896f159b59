import { describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../../test/support/paths.js';
import { openWarehouse } from '../../warehouse/index.js';
import { memberCohorts } from './index.js';

/** Cohorts of the demo chain's members by first purchase and by registration, checked against the orders. */
describe('member cohorts', () => {
  it('follows each first-purchase month: all active in month 0, sizes and spend adding up to the orders', async () => {
    const warehouse = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
    try {
      const [range] = await warehouse.query(
        `SELECT strftime(min(date), '%Y-%m') AS first, strftime(max(date), '%Y-%m') AS last,
                count(DISTINCT member_id) AS members, CAST(sum(net) AS VARCHAR) AS net
         FROM orders WHERE member_id IS NOT NULL AND status = 'completed'`,
      );
      const cohorts = await memberCohorts(warehouse, {
        by: 'first_purchase',
        from: String(range?.first),
        to: String(range?.last),
      });
      expect(cohorts.length).toBeGreaterThan(1);
      expect(cohorts.reduce((n, c) => n + c.members, 0)).toBe(Number(range?.members));
      for (const c of cohorts) {
        expect(c.active[0], c.month).toBe(c.members);
        for (const a of c.active) expect(a).toBeLessThanOrEqual(c.members);
      }
      const spend = cohorts.reduce((s, c) => s + c.spend.reduce((t, x) => t + Math.round(x * 100), 0), 0);
      expect(spend).toBe(Math.round(Number(range?.net) * 100));
      // By registration: every cohort member is a registered member of that month; some never bought.
      const registered = await memberCohorts(warehouse, {
        by: 'registration',
        from: '2000-01',
        to: '2100-12',
      });
      const [members] = await warehouse.query('SELECT count(*) AS n FROM member WHERE merged_into IS NULL');
      expect(registered.reduce((n, c) => n + c.members, 0)).toBe(Number(members?.n));
      // By registration channel and by store: the parts add up to the whole.
      let byChannel = 0;
      for (const channel of ['mini_program', 'pos', 'delivery']) {
        const part = await memberCohorts(warehouse, {
          by: 'registration',
          from: '2000-01',
          to: '2100-12',
          channel,
        });
        byChannel += part.reduce((n, c) => n + c.members, 0);
      }
      expect(byChannel).toBe(Number(members?.n));
      const one = await memberCohorts(warehouse, {
        by: 'registration',
        from: '2000-01',
        to: '2100-12',
        stores: [1],
      });
      const [own] = await warehouse.query('SELECT count(*) AS n FROM member WHERE home_store_id = 1');
      expect(one.reduce((n, c) => n + c.members, 0)).toBe(Number(own?.n));
      await expect(
        memberCohorts(warehouse, { by: 'first_purchase', from: "2026-01' --", to: '2026-13' }),
      ).rejects.toThrow(/YYYY-MM/);
    } finally {
      await warehouse.close();
    }
  }, 60_000);
});
