import { describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../../test/support/paths.js';
import { openWarehouse } from '../../warehouse/index.js';
import { customerValue, memberPurchases } from './index.js';

/** Every member of the demo chain with completed orders valued over a horizon, from the warehouse's orders. */
describe('member value from the warehouse', () => {
  it('scores each member who bought by the calibration end, with sensible bounds, and refuses a bad date', async () => {
    const warehouse = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
    try {
      const [range] = await warehouse.query(
        "SELECT CAST(max(date) AS VARCHAR) AS last FROM orders WHERE status = 'completed'",
      );
      const end = String(range?.last);
      const purchases = await memberPurchases(warehouse, end);
      const [count] = await warehouse.query(
        "SELECT count(DISTINCT member_id) AS n FROM orders WHERE member_id IS NOT NULL AND status = 'completed' AND net > 0",
      );
      const answer = customerValue(purchases, end, 90);
      expect(answer.members.length).toBe(Number(count?.n));
      for (const m of answer.members) {
        expect(m.pAlive).toBeGreaterThanOrEqual(0);
        expect(m.pAlive).toBeLessThanOrEqual(1);
        expect(Number.isFinite(m.expectedValue) && m.expectedValue >= 0).toBe(true);
      }
      // One purchase a member and day: a member's days are distinct.
      const seen = new Set(purchases.map((p) => `${p.customer}|${p.date}`));
      expect(seen.size).toBe(purchases.length);
      await expect(memberPurchases(warehouse, "2026-01-01' OR 1=1")).rejects.toThrow(/not a date/);
    } finally {
      await warehouse.close();
    }
  }, 180_000);
});
