import { describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../../test/support/paths.js';
import { openWarehouse } from '../../warehouse/index.js';
import { memberRfm, movement, SEGMENTS } from './index.js';

/** RFM of the demo chain's members, checked against what the scores and segments mean. */
describe('RFM segmentation', () => {
  it('scores every member by quintiles, segments by the averages, and counts the moves between two dates', async () => {
    const warehouse = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
    try {
      const [range] = await warehouse.query(
        "SELECT CAST(max(date) AS VARCHAR) AS last FROM orders WHERE status = 'completed'",
      );
      const end = String(range?.last);
      const members = await memberRfm(warehouse, end, 180);
      const [count] = await warehouse.query(
        `SELECT count(DISTINCT member_id) AS n, CAST(sum(net) AS VARCHAR) AS net FROM orders
         WHERE member_id IS NOT NULL AND status = 'completed' AND date > CAST($1 AS DATE) - 180 AND date <= CAST($1 AS DATE)`,
        [end],
      );
      expect(members.length).toBe(Number(count?.n));
      expect(members.length).toBeGreaterThan(100);
      // Every member's spend counted once: the members' M adds up to the orders' net.
      const spent = members.reduce((s, m) => s + Math.round(m.monetary * 100), 0);
      expect(spent).toBe(Math.round(Number(count?.net) * 100));
      // Quintiles: five groups of (nearly) equal size; a better score never has a worse value.
      for (const key of ['r', 'f', 'm'] as const) {
        const sizes = [1, 2, 3, 4, 5].map((q) => members.filter((m) => m[key] === q).length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
      const value = {
        r: (m: (typeof members)[number]) => -m.recencyDays,
        f: (m: (typeof members)[number]) => m.frequency,
        m: (m: (typeof members)[number]) => m.monetary,
      };
      for (const key of ['r', 'f', 'm'] as const)
        for (let q = 1; q < 5; q++) {
          const low = Math.max(...members.filter((m) => m[key] === q).map(value[key]));
          const high = Math.min(...members.filter((m) => m[key] === q + 1).map(value[key]));
          expect(low, `${key} ${q}`).toBeLessThanOrEqual(high);
        }
      // Segments: above or below the members' averages.
      const mean = (f: (m: (typeof members)[number]) => number) =>
        members.reduce((s, m) => s + f(m), 0) / members.length;
      const avg = { r: mean((m) => m.recencyDays), f: mean((m) => m.frequency), m: mean((m) => m.monetary) };
      for (const m of members) {
        const s = SEGMENTS[m.segment];
        expect(s.r).toBe(m.recencyDays < avg.r);
        expect(s.f).toBe(m.frequency > avg.f);
        // M is shown to the fen; one within a fen of the average may sit on either side.
        if (Math.abs(m.monetary - avg.m) > 0.01) expect(s.m).toBe(m.monetary > avg.m);
      }
      expect(new Set(members.map((m) => m.segment)).size).toBeGreaterThanOrEqual(6);

      // A month earlier: every member now came from a segment or was new; every member then went somewhere.
      const before = await memberRfm(
        warehouse,
        new Date(Date.parse(`${end}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10),
        180,
      );
      const moves = movement(before, members);
      let arrived = 0;
      let left = 0;
      for (const [key, n] of moves) {
        if (!key.endsWith('>none')) arrived += n;
        if (!key.startsWith('none>')) left += n;
      }
      expect(arrived).toBe(members.length);
      expect(left).toBe(before.length);
      await expect(memberRfm(warehouse, "2026-01-01'; DROP TABLE orders; --")).rejects.toThrow(/not a date/);
    } finally {
      await warehouse.close();
    }
  }, 60_000);

  it('scores by breaks the chain sets instead of quintiles, and refuses breaks that are not four ascending', async () => {
    const warehouse = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
    try {
      const [range] = await warehouse.query(
        "SELECT CAST(max(date) AS VARCHAR) AS last FROM orders WHERE status = 'completed'",
      );
      const end = String(range?.last);
      const breaks = { r: [7, 30, 90, 180], f: [2, 4, 8, 16], m: [100, 300, 800, 2000] };
      const members = await memberRfm(warehouse, end, 365, { breaks });
      for (const m of members) {
        const r =
          m.recencyDays <= 7
            ? 5
            : m.recencyDays <= 30
              ? 4
              : m.recencyDays <= 90
                ? 3
                : m.recencyDays <= 180
                  ? 2
                  : 1;
        expect(m.r).toBe(r);
        expect(m.f).toBe(1 + breaks.f.filter((b) => m.frequency >= b).length);
        expect(m.m).toBe(1 + breaks.m.filter((b) => m.monetary >= b).length);
      }
      // Unlike quintiles, breaks may leave a score empty or crowd one: the chain's own meaning of "often".
      expect(new Set(members.map((m) => m.f)).size).toBeGreaterThan(1);
      await expect(memberRfm(warehouse, end, 365, { breaks: { f: [4, 2, 8, 16] } })).rejects.toThrow(
        /four ascending/,
      );
      await expect(memberRfm(warehouse, end, 365, { breaks: { m: [100, 300] } })).rejects.toThrow(
        /four ascending/,
      );
    } finally {
      await warehouse.close();
    }
  });
});
