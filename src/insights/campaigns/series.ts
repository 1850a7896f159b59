import type { CampaignSeries } from '../../contract/index.js';
import { addDays, daysBetween, ZhongtaiError } from '../../model/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { GROUPS } from './evaluate.js';

/** A campaign's targeted against its control day by day, for its page (CampaignSeries in the contract). */
export async function campaignSeries(warehouse: Warehouse, campaignId: number): Promise<CampaignSeries> {
  const [campaign] = await warehouse.query(
    `SELECT name, CAST(start_date AS VARCHAR) AS start_date, CAST(end_date AS VARCHAR) AS end_date,
            EXISTS (SELECT 1 FROM campaign_target t WHERE t.campaign_id = k.campaign_id AND t.arm = 'holdout') AS holdout
     FROM campaign k WHERE campaign_id = $1`,
    [campaignId],
  );
  if (!campaign)
    throw new ZhongtaiError(
      'NOT_FOUND',
      { en: `no campaign ${campaignId}`, zh: `没有营销活动 ${campaignId}` },
      { field: 'campaign' },
    );
  const start = String(campaign.start_date).slice(0, 10);
  const end = String(campaign.end_date).slice(0, 10);
  const length = daysBetween(start, end) + 1;
  const from = addDays(start, -length);
  const to = addDays(end, length);
  const holdout = Boolean(campaign.holdout);
  const rows = await warehouse.query(
    `${GROUPS},
     sizes AS (SELECT grp, count(*) AS n FROM groups GROUP BY grp),
     daily AS (
       SELECT g.grp, s.date, sum(s.net) AS net FROM groups g JOIN sales_line s ON s.member_id = g.member_id
       WHERE s.date BETWEEN CAST($2 AS DATE) AND CAST($6 AS DATE) GROUP BY 1, 2)
     SELECT CAST(c.date AS VARCHAR) AS date, z.grp, z.n, CAST(coalesce(d.net, 0) AS DOUBLE) / z.n AS per_member
     FROM calendar c CROSS JOIN sizes z LEFT JOIN daily d ON d.date = c.date AND d.grp = z.grp
     WHERE c.date BETWEEN CAST($2 AS DATE) AND CAST($6 AS DATE)
       AND c.date <= (SELECT max(date) FROM sales_line) AND c.date >= (SELECT min(date) FROM sales_line)
     ORDER BY 1, 2`,
    [campaignId, from, start, end, holdout, to],
  );
  const byDay = new Map<string, { date: string; targeted: number; control: number }>();
  let targeted = 0;
  let control = 0;
  for (const r of rows) {
    const date = String(r.date).slice(0, 10);
    const day = byDay.get(date) ?? { date, targeted: 0, control: 0 };
    if (r.grp === 'T') {
      day.targeted = Number(r.per_member);
      targeted = Number(r.n);
    } else {
      day.control = Number(r.per_member);
      control = Number(r.n);
    }
    byDay.set(date, day);
  }
  return {
    campaign: campaignId,
    name: String(campaign.name),
    start,
    end,
    design: holdout ? 'holdout' : 'comparison',
    targeted,
    control,
    days: [...byDay.values()],
  };
}

export type { CampaignSeries };
