import { chainLocal } from '../../model/index.js';
import { insertRows, type Warehouse } from '../../warehouse/index.js';
import type { CampaignEvaluation } from './evaluate.js';

const fen = (value: number | null) => (value === null ? null : value.toFixed(2));

/**
 * Keeps evaluations in campaign_result for the catalogue's campaign KPIs: each campaign's row replaced by its newest
 * evaluation, all of them at once.
 */
export async function saveCampaignResults(
  warehouse: Warehouse,
  results: CampaignEvaluation[],
): Promise<void> {
  if (!results.length) return;
  // In the chain's local time, as the warehouse keeps timestamps.
  const evaluatedAt = chainLocal(new Date()).time;
  await warehouse.transaction(async () => {
    await warehouse.run(
      `DELETE FROM campaign_result WHERE campaign_id IN (${results.map((_, i) => `$${i + 1}`).join(', ')})`,
      results.map((r) => r.campaign),
    );
    await insertRows(
      warehouse,
      'campaign_result',
      results.map((r) => ({
        campaign_id: r.campaign,
        date: r.end,
        evaluated_at: evaluatedAt,
        design: r.design,
        targeted: r.targeted,
        control: r.control,
        redemptions: r.redemptions,
        lift_per_member: r.liftPerMember,
        lift_low: r.liftLow,
        lift_high: r.liftHigh,
        incremental_sales: fen(r.incrementalSales),
        incremental_gross_profit: fen(r.incrementalGrossProfit),
        cost: r.cost,
        detail: JSON.stringify(r),
      })),
    );
  });
}

/** The kept evaluations, newest campaigns first. */
export async function savedCampaignResults(
  warehouse: Warehouse,
): Promise<(CampaignEvaluation & { evaluatedAt: string })[]> {
  const rows = await warehouse.query(
    `SELECT r.detail, CAST(r.evaluated_at AS VARCHAR) AS evaluated_at FROM campaign_result r
     JOIN campaign k USING (campaign_id) ORDER BY k.start_date DESC, r.campaign_id DESC`,
  );
  return rows
    .filter((r) => r.detail !== null)
    .map((r) => ({
      ...(JSON.parse(String(r.detail)) as CampaignEvaluation),
      evaluatedAt: String(r.evaluated_at),
    }));
}
