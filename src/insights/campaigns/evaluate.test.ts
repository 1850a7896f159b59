import { describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../../test/support/paths.js';
import { openWarehouse } from '../../warehouse/index.js';
import { evaluateCampaigns } from './index.js';

/**
 * The demo chain's two planted experiments (src/demo/campaigns-sql.ts): an audience split at random into targeted
 * and hold-out; the targeted of the coupon campaign got extra orders (numbered from 5·10¹⁷), those of the message
 * campaign nothing. The evaluation knows neither; it must find the one inside its interval and no lift in the other.
 */
describe('campaign evaluation on the demo chain’s planted truth', () => {
  it('recovers the planted lift inside its interval, finds none where none was planted, and costs both', async () => {
    const warehouse = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
    try {
      const planted = await warehouse.query(
        `SELECT k.campaign_id, k.name, CAST(k.other_cost AS VARCHAR) AS other_cost,
                (SELECT count(*) FROM campaign_target t WHERE t.campaign_id = k.campaign_id AND t.arm = 'target') AS targeted,
                (SELECT CAST(coalesce(sum(o.net), 0) AS DOUBLE) FROM orders o
                 WHERE o.order_id BETWEEN 500000000000000000 + k.campaign_id * 100000000000
                                      AND 500000000000000000 + (k.campaign_id + 1) * 100000000000 - 1) AS extra,
                (SELECT CAST(sum(face_value) AS VARCHAR) FROM coupon c
                 WHERE c.campaign_id = k.campaign_id AND c.redeemed_date IS NOT NULL) AS faces
         FROM campaign k WHERE k.type = 'targeted' ORDER BY k.campaign_id`,
      );
      expect(planted).toHaveLength(2);
      const [winBack, news] = planted.map((p) => ({
        id: Number(p.campaign_id),
        truth: Number(p.extra) / Number(p.targeted),
        otherCost: String(p.other_cost),
        faces: p.faces === null ? null : String(p.faces),
      })) as [
        { id: number; truth: number; otherCost: string; faces: string | null },
        { id: number; truth: number; otherCost: string; faces: string | null },
      ];
      expect(winBack.truth).toBeGreaterThan(10);
      expect(news.truth).toBe(0);

      const results = await evaluateCampaigns(warehouse);
      const found = results.find((r) => r.campaign === winBack.id);
      const none = results.find((r) => r.campaign === news.id);
      expect(found?.design).toBe('holdout');
      expect(found?.liftLow).toBeLessThan(winBack.truth);
      expect(found?.liftHigh).toBeGreaterThan(winBack.truth);
      expect(found?.liftLow).toBeGreaterThan(0);
      expect(none?.design).toBe('holdout');
      expect(none?.liftLow).toBeLessThan(0);
      expect(none?.liftHigh).toBeGreaterThan(0);
      // Cost: the faces of the coupons redeemed plus the messages, to the fen.
      const fen = (text: string) => Math.round(Number(text) * 100);
      expect(fen(found?.cost ?? 'NaN')).toBe(fen(winBack.faces ?? '0') + fen(winBack.otherCost));
      expect(none?.cost).toBe(news.otherCost);
      expect(found?.redemptionRate).toBeGreaterThan(0.1);
      expect(none?.redemptions).toBe(0);
      // The incremental sales are the lift over the targeted; ROI is the incremental gross profit over the cost.
      expect(found?.incrementalSales).toBeCloseTo((found?.liftPerMember ?? 0) * (found?.targeted ?? 0), 6);
      expect(found?.roi).toBeCloseTo((found?.incrementalGrossProfit ?? 0) / Number(found?.cost), 6);
      // Campaigns without a hold-out are compared by difference in differences, and say so.
      const festival = results.find((r) => r.type === 'festival' && r.design === 'diff_in_diff');
      expect(festival?.notes.join(' ')).toContain('no hold-out');
    } finally {
      await warehouse.close();
    }
  });

  it('evaluates one campaign on request and names a campaign that does not exist', async () => {
    const warehouse = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
    try {
      const [one] = await evaluateCampaigns(warehouse, { campaign: 2, replicates: 100 });
      expect(one?.campaign).toBe(2);
      await expect(evaluateCampaigns(warehouse, { campaign: 99_999 })).rejects.toThrow(/no campaign 99999/);
    } finally {
      await warehouse.close();
    }
  });
});
