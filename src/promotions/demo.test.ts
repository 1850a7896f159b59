import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { tempAppStore } from '../../test/support/server.js';
import { dataRange, runQuery } from '../metrics/index.js';
import { addDays } from '../model/index.js';
import { openWarehouse } from '../warehouse/index.js';
import { relayPromotions, seedDemoPromotions } from './index.js';

describe('the demo chain’s promotions in the promotion center', () => {
  it('checks a sample of its last fortnight out as of those orders, and the BI by promotion agrees with the center', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-demo-promotions-')), 'demo.duckdb');
    copyFileSync(SMALL_DEMO, path);
    const warehouse = await openWarehouse({ path });
    const store = await tempAppStore();
    try {
      const end = (await dataRange(warehouse))?.to as string;
      const seeded = await seedDemoPromotions(store, warehouse, end, { orders: 100 });
      expect(seeded).toMatchObject({ promotions: 4, coupons: 40 });
      expect(seeded?.checkouts).toBeGreaterThan(50);
      expect(await seedDemoPromotions(store, warehouse, end)).toBeNull();
      await relayPromotions(store, warehouse);

      // Written as of the orders: every share lies in the fortnight, none at today's date.
      const [span] = await warehouse.query(
        'SELECT CAST(min(date) AS VARCHAR) AS first, CAST(max(date) AS VARCHAR) AS last FROM promotion_allocation',
      );
      expect(String(span?.first) >= addDays(end, -13)).toBe(true);
      expect(String(span?.last) <= end).toBe(true);

      // Each share names the till's order it was given on: the POS sales line of that order and SKU.
      const [unmatched] = await warehouse.query(
        `SELECT count(*) AS n FROM promotion_allocation a WHERE a.order_ref IS NULL OR NOT EXISTS (
           SELECT 1 FROM sales_line s WHERE CAST(s.order_id AS VARCHAR) = a.order_ref AND s.sku = a.sku)`,
      );
      expect(Number(unmatched?.n)).toBe(0);
      const answer = await runQuery(warehouse, {
        metrics: ['promotion_discount', 'coupons_issued', 'coupons_redeemed'],
        dimensions: ['promotion'],
        timeRange: { from: addDays(end, -13), to: end },
      });
      const [center] = await store.query<{ saving: string; redeemed: string }>(
        `SELECT CAST(sum(saving) AS TEXT) AS saving,
                (SELECT CAST(count(*) AS TEXT) FROM coupon WHERE state = 'redeemed') AS redeemed FROM checkout`,
      );
      const total = answer.rows.reduce(
        (sum, r) => sum + Math.round(Number(r.promotion_discount ?? 0) * 100),
        0,
      );
      expect(total).toBe(Number(center?.saving));
      expect(total).toBeGreaterThan(0);
      const coupon = answer.rows.find((r) => r.promotion === '满50减10元券');
      expect(coupon).toMatchObject({ coupons_issued: 40, coupons_redeemed: Number(center?.redeemed) });
      // The promotions the BI names are the center's, by their names.
      expect(answer.rows.map((r) => r.promotion)).toContain('满200减30');
      expect(answer.rows.some((r) => r.promotion === '未登记的促销')).toBe(false);
    } finally {
      await warehouse.close();
      await store.close();
    }
  }, 120_000);
});
