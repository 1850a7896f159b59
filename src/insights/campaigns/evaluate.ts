import type { CampaignEvaluation, Design } from '../../contract/index.js';
import { addDays, daysBetween, fenOf, yuan, ZhongtaiError } from '../../model/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { estimateLift, type MemberOutcome, spendBands } from './estimate.js';

/**
 * Every campaign on one standard (营销效果评估): cost, cycle, reach, redemptions, and the sales and gross profit it
 * added against its randomised hold-out, else against comparable members it did not target (difference in
 * differences over a pre-period as long as the campaign, within bands of prior spend). What weakens an answer is
 * said in its notes (CampaignEvaluation in the contract).
 */
export interface EvaluateOptions {
  campaign?: number;
  replicates?: number;
}

/** Who each campaign aimed at: its target list, or where it has none, the members it issued coupons to. */
const TARGETS = `
  SELECT campaign_id, member_id, arm FROM campaign_target
  UNION ALL
  SELECT DISTINCT campaign_id, member_id, 'target' FROM coupon c
  WHERE NOT EXISTS (SELECT 1 FROM campaign_target t WHERE t.campaign_id = c.campaign_id)`;

/**
 * The compared members of a campaign as CTEs ending in \`groups\` (member_id, grp 'T' or 'C'). Parameters: $1 the
 * campaign, $2 the pre-period's first day, $3 and $4 the campaign's days with data, $5 true for a hold-out design.
 * Without a hold-out: the targeted and the members no campaign reached from the pre-period to the end, each with a
 * purchase in the year before or during the campaign.
 */
export const GROUPS = `WITH targets AS (${TARGETS}),
     own AS (SELECT member_id, arm FROM targets WHERE campaign_id = $1),
     busy AS (
       SELECT DISTINCT t.member_id FROM targets t JOIN campaign k USING (campaign_id)
       WHERE t.arm = 'target' AND k.start_date <= CAST($4 AS DATE) AND k.end_date >= CAST($2 AS DATE)),
     active AS (
       SELECT DISTINCT member_id FROM sales_line
       WHERE member_id IS NOT NULL AND date BETWEEN CAST($3 AS DATE) - 365 AND CAST($4 AS DATE)),
     groups AS (
       SELECT member_id, CASE arm WHEN 'holdout' THEN 'C' ELSE 'T' END AS grp FROM own WHERE $5
       UNION ALL
       SELECT a.member_id, CASE WHEN o.member_id IS NOT NULL THEN 'T' ELSE 'C' END
       FROM active a LEFT JOIN own o ON o.member_id = a.member_id AND o.arm = 'target'
       WHERE NOT $5 AND (o.member_id IS NOT NULL OR a.member_id NOT IN (SELECT member_id FROM busy)))`;

const day = (value: unknown) => String(value).slice(0, 10);

export async function evaluateCampaigns(
  warehouse: Warehouse,
  options: EvaluateOptions = {},
): Promise<CampaignEvaluation[]> {
  const campaigns = await warehouse.query(
    `SELECT campaign_id, name, type, CAST(start_date AS VARCHAR) AS start_date, CAST(end_date AS VARCHAR) AS end_date,
            CAST(other_cost AS VARCHAR) AS other_cost
     FROM campaign ${options.campaign === undefined ? '' : 'WHERE campaign_id = $1'} ORDER BY start_date, campaign_id`,
    options.campaign === undefined ? [] : [options.campaign],
  );
  if (options.campaign !== undefined && !campaigns.length)
    throw new ZhongtaiError(
      'NOT_FOUND',
      { en: `no campaign ${options.campaign}`, zh: `没有营销活动 ${options.campaign}` },
      { field: 'campaign' },
    );
  const [span] = await warehouse.query(
    `SELECT CAST(min(date) AS VARCHAR) AS first, CAST(max(date) AS VARCHAR) AS last FROM sales_line
     WHERE member_id IS NOT NULL`,
  );
  const data = { first: span?.first ? day(span.first) : null, last: span?.last ? day(span.last) : null };
  const out: CampaignEvaluation[] = [];
  for (const row of campaigns)
    out.push(
      await evaluateOne(
        warehouse,
        {
          id: Number(row.campaign_id),
          name: String(row.name),
          type: String(row.type),
          start: day(row.start_date),
          end: day(row.end_date),
          otherCost: row.other_cost === null ? null : String(row.other_cost),
        },
        data,
        options.replicates,
      ),
    );
  return out;
}

interface Campaign {
  id: number;
  name: string;
  type: string;
  start: string;
  end: string;
  otherCost: string | null;
}

async function evaluateOne(
  warehouse: Warehouse,
  campaign: Campaign,
  data: { first: string | null; last: string | null },
  replicates?: number,
): Promise<CampaignEvaluation> {
  const notes: string[] = [];
  const [counts] = await warehouse.query(
    `WITH targets AS (${TARGETS})
     SELECT count(*) FILTER (WHERE arm = 'target') AS targeted, count(*) FILTER (WHERE arm = 'holdout') AS holdout
     FROM targets WHERE campaign_id = $1`,
    [campaign.id],
  );
  const targeted = Number(counts?.targeted ?? 0);
  const holdout = Number(counts?.holdout ?? 0);
  const [redeemed] = await warehouse.query(
    `SELECT count(*) AS redemptions, count(DISTINCT c.member_id) AS redeemers,
            CAST(coalesce(sum(c.face_value), 0) AS VARCHAR) AS face, count(*) FILTER (WHERE c.face_value IS NULL) AS faceless,
            median(date_diff('day', coalesce(c.issued_date, k.start_date), c.redeemed_date)) AS days
     FROM coupon c JOIN campaign k USING (campaign_id) WHERE c.campaign_id = $1 AND c.redeemed_date IS NOT NULL`,
    [campaign.id],
  );
  const redemptions = Number(redeemed?.redemptions ?? 0);
  const [overlapRow] = await warehouse.query(
    `WITH targets AS (${TARGETS})
     SELECT count(DISTINCT o.member_id) AS members, string_agg(DISTINCT CAST(x.campaign_id AS VARCHAR), ',') AS others
     FROM targets o JOIN targets x ON x.member_id = o.member_id AND x.campaign_id <> o.campaign_id AND x.arm = 'target'
     JOIN campaign k ON k.campaign_id = x.campaign_id
     WHERE o.campaign_id = $1 AND o.arm = 'target'
       AND k.start_date <= CAST($3 AS DATE) AND k.end_date >= CAST($2 AS DATE)`,
    [campaign.id, campaign.start, campaign.end],
  );
  const overlap = Number(overlapRow?.members ?? 0);
  const others = String(overlapRow?.others ?? '')
    .split(',')
    .sort((a, b) => Number(a) - Number(b))
    .join(', ');
  // Said once the design is known: a random hold-out was reached by the others alike, a comparison group was not.
  const overlapNote = (randomised: boolean) =>
    randomised
      ? `${overlap} targeted also reached by campaign ${others} at the same time; the random hold-out was too, alike, so the lift stays this campaign's / ${overlap} 名目标会员同期也被其他活动触达（随机对照组同样如此，增量仍属本活动）`
      : `${overlap} targeted also reached by campaign ${others} at the same time: its effect is in this lift (the control leaves such members out) / ${overlap} 名目标会员同期也被其他活动触达，其效果计入本活动增量`;

  let cost: string | null = null;
  const faceless = Number(redeemed?.faceless ?? 0);
  if (faceless > 0)
    notes.push(`${faceless} redemptions name no coupon value: cost unknown / 核销券面额未知，成本无法计算`);
  else if (redemptions > 0 || campaign.otherCost !== null)
    cost = yuan(fenOf(String(redeemed?.face ?? '0')) + fenOf(campaign.otherCost ?? '0'));
  else notes.push('no cost recorded / 未记录成本');

  const base: CampaignEvaluation = {
    campaign: campaign.id,
    name: campaign.name,
    type: campaign.type,
    start: campaign.start,
    end: campaign.end,
    design: 'none',
    targeted,
    analysed: 0,
    control: 0,
    redemptions,
    redemptionRate: targeted ? Number(redeemed?.redeemers ?? 0) / targeted : null,
    daysToRedeem: redeemed?.days === null || redeemed?.days === undefined ? null : Number(redeemed.days),
    liftPerMember: null,
    liftLow: null,
    liftHigh: null,
    incrementalSales: null,
    incrementalGrossProfit: null,
    cost,
    roi: null,
    preTargeted: null,
    preControl: null,
    overlap,
    notes,
  };
  if (!targeted) {
    notes.push('no targeted members recorded: nothing to compare / 未记录目标会员，无法评估');
    return base;
  }
  if (!data.first || !data.last || campaign.start > data.last || campaign.end < data.first) {
    notes.push('no member sales in the campaign’s days / 活动期内无会员销售数据');
    return base;
  }
  // The days with data: a campaign running past the data is measured over its days with data, and compared
  // with a pre-period as long; a pre-period cut short by the data's start counts per day (scaled to the length).
  const start = campaign.start < data.first ? data.first : campaign.start;
  const end = campaign.end > data.last ? data.last : campaign.end;
  if (campaign.start < data.first)
    notes.push(`started before the data (${data.first}): lift from ${data.first} on / 活动开始早于数据起点`);
  if (campaign.end > data.last)
    notes.push(
      `ran ${daysBetween(data.last, campaign.end)} days past the last day of data (${data.last}): lift to ${data.last} / 活动结束晚于数据截止日`,
    );
  const length = daysBetween(start, end) + 1;
  const preEnd = addDays(campaign.start, -1);
  const preStart =
    addDays(campaign.start, -length) < data.first ? data.first : addDays(campaign.start, -length);
  const preLength = preEnd < data.first ? 0 : daysBetween(preStart, preEnd) + 1;
  let design: Design = holdout > 0 ? 'holdout' : 'diff_in_diff';
  if (overlap > 0) notes.push(overlapNote(design === 'holdout'));
  if (design === 'diff_in_diff') {
    notes.push(
      'no hold-out: control = members not targeted at the time, compared by difference in differences / 无对照组：以同期未触达会员做双重差分',
    );
    if (preLength === 0) {
      design = 'difference';
      notes.push(
        'no pre-period in the data: difference of means only, not adjusted for how the groups differed before / 前期不在数据范围内，仅作均值差',
      );
    } else if (preLength < length)
      notes.push(
        `pre-period ${preLength} of ${length} days (the data starts ${data.first}), counted per day / 前期短于活动期，按日折算`,
      );
  }
  const preScale = preLength > 0 ? length / preLength : 0;

  const rows = await warehouse.query(
    `${GROUPS}
     SELECT g.grp,
       CAST(coalesce(sum(s.net) FILTER (WHERE s.date >= CAST($2 AS DATE) AND s.date < CAST($3 AS DATE)), 0) AS DOUBLE) AS pre_net,
       CAST(coalesce(sum(s.net) FILTER (WHERE s.date >= CAST($3 AS DATE)), 0) AS DOUBLE) AS post_net,
       CAST(coalesce(sum(s.net - s.cost) FILTER (WHERE s.date >= CAST($2 AS DATE) AND s.date < CAST($3 AS DATE)), 0) AS DOUBLE) AS pre_gp,
       CAST(coalesce(sum(s.net - s.cost) FILTER (WHERE s.date >= CAST($3 AS DATE)), 0) AS DOUBLE) AS post_gp,
       -- The year before the pre-period, what members are banded by (banded on the pre-period itself, the groups'
       -- extremes would regress to their means after it, and the difference in differences would show that).
       CAST(coalesce(sum(s.net) FILTER (WHERE s.date < CAST($2 AS DATE) AND s.date >= CAST($2 AS DATE) - 365), 0) AS DOUBLE) AS year_net,
       count(s.net) FILTER (WHERE s.cost IS NULL AND s.date >= CAST($2 AS DATE)) AS no_cost
     FROM groups g LEFT JOIN sales_line s
       ON s.member_id = g.member_id AND s.date BETWEEN CAST($2 AS DATE) - 365 AND CAST($4 AS DATE)
     GROUP BY g.grp, g.member_id`,
    [campaign.id, preLength > 0 ? preStart : start, start, end, design === 'holdout'],
  );
  const sales = { T: [] as MemberOutcome[], C: [] as MemberOutcome[] };
  const profit = { T: [] as MemberOutcome[], C: [] as MemberOutcome[] };
  let noCost = 0;
  // Without a hold-out, members are compared within bands of their spend in the year before the pre-period (none,
  // then the targeted's quintiles): the control then stands for members who spent like the targeted.
  const stratumOf =
    design === 'holdout'
      ? () => 0
      : spendBands(rows.filter((r) => r.grp === 'T').map((r) => Number(r.year_net)));
  for (const r of rows) {
    const group = r.grp === 'T' ? 'T' : 'C';
    const stratum = stratumOf(Number(r.year_net));
    sales[group].push({ pre: Number(r.pre_net) * preScale, post: Number(r.post_net), stratum });
    profit[group].push({ pre: Number(r.pre_gp) * preScale, post: Number(r.post_gp), stratum });
    noCost += Number(r.no_cost);
  }
  if (design !== 'holdout' && sales.T.length < targeted)
    notes.push(
      `${targeted - sales.T.length} targeted with no purchase in the year before or during the campaign left out of both groups / ${targeted - sales.T.length} 名目标会员近一年无消费，未计入`,
    );
  const lift = estimateLift(sales.T, sales.C, design, { replicates });
  const analysed = lift.compared;
  if (analysed < sales.T.length)
    notes.push(
      `${sales.T.length - analysed} targeted in a spend band without control members left out / ${sales.T.length - analysed} 名目标会员所在消费档无对照会员，未计入`,
    );
  if (!analysed) {
    notes.push('no control members: no lift / 无可比对照会员，无法估计增量');
    return { ...base, design, analysed, control: sales.C.length };
  }
  if (design !== 'holdout')
    notes.push(
      'compared within bands of spend in the year before the pre-period / 按前期之前一年的消费分档比较',
    );
  if (analysed < 100 || sales.C.length < 100)
    notes.push(
      'fewer than 100 members in a group: read the interval, not the point / 组内会员不足 100，结论看区间',
    );
  const gp = noCost > 0 ? null : estimateLift(profit.T, profit.C, design, { replicates: 1 });
  if (noCost > 0)
    notes.push('no cost of goods in the data: gross profit and ROI unknown / 数据无成本，毛利与 ROI 未知');
  const incrementalSales = lift.lift * analysed;
  const incrementalGrossProfit = gp ? gp.lift * analysed : null;
  const roi =
    incrementalGrossProfit !== null && cost !== null && fenOf(cost) > 0
      ? incrementalGrossProfit / Number(cost)
      : null;
  return {
    ...base,
    design,
    analysed,
    control: sales.C.length,
    liftPerMember: lift.lift,
    liftLow: lift.low,
    liftHigh: lift.high,
    incrementalSales,
    incrementalGrossProfit,
    roi,
    preTargeted: lift.preTargeted,
    preControl: lift.preControl,
  };
}

export type { CampaignEvaluation };
