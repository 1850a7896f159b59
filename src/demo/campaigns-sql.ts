import { insertInto } from './insert-into.js';
import type { PlantedCampaign } from './master-data.js';

/**
 * The planted experiments (see plantedCampaigns): their audiences split at random, the extra orders of the
 * targeted where the campaign works, the coupons sent and redeemed, the messages' cost. Run after the members
 * and the chunked sales, so the extra orders are the only difference between the two arms.
 *
 * A planted order is numbered 5·10¹⁷ + campaign·10¹¹ + member: apart from the tickets (below 10¹⁵) and small enough
 * that its coupon (the order's number × 10, as on every coupon line) stays a BIGINT.
 */
export interface PlantedRun extends PlantedCampaign {
  campaignId: number;
}

const PLANTED_ORDER = (campaign: string, member: string) =>
  `(500000000000000000 + ${campaign}::BIGINT * 100000000000 + ${member})`;

/** A VALUES list of the runs: numbers only, checked here. */
function runsTable(runs: PlantedRun[]): string {
  const rows = runs.map((r) => {
    for (const n of [r.campaignId, r.uplift, r.couponFace])
      if (!Number.isFinite(n)) throw new Error(`bad planted campaign ${r.name}`);
    return `(${r.campaignId}, ${r.uplift}, ${r.couponFace > 0})`;
  });
  return `(VALUES ${rows.join(', ')}) AS p(campaign_id, uplift, coupon)`;
}

/** Audiences: members who had joined before the pre-period, about 20,000 a campaign, split in halves. */
export const campaignTargets = (runs: PlantedRun[]): string => `
${insertInto('campaign_target')}
SELECT k.campaign_id, m.member_id,
       CASE WHEN rnd(m.member_id, k.campaign_id, 'arm') < 0.5 THEN 'target' ELSE 'holdout' END
FROM campaign k JOIN ${runsTable(runs)} USING (campaign_id)
JOIN member m ON m.registered_at < k.start_date - (k.end_date - k.start_date + 1)::INTEGER
WHERE rnd(m.member_id, k.campaign_id, 'audience') < least(1.0, 20000.0 / (SELECT count(*) FROM member))`;

/** The extra orders, shaped as a chunk of tickets (the line generator's input). */
export const plantedOrders = (runs: PlantedRun[]): string => `
CREATE OR REPLACE TEMP TABLE _demo_orders AS
WITH t AS (
  SELECT t.campaign_id, t.member_id, m.home_store_id AS store_id, p.coupon,
         ${PLANTED_ORDER('t.campaign_id', 't.member_id')} AS order_id,
         k.start_date + floor(rnd(t.member_id, t.campaign_id, 'day') * (k.end_date - k.start_date + 1))::INTEGER AS date
  FROM campaign_target t JOIN campaign k USING (campaign_id) JOIN member m USING (member_id)
  JOIN ${runsTable(runs)} USING (campaign_id)
  WHERE t.arm = 'target' AND rnd(t.member_id, t.campaign_id, 'uplift') < p.uplift
)
SELECT t.order_id, t.store_id, sd.format, sd.assort, t.date, 'mini_program' AS channel, FALSE AS in_store,
  t.date::TIMESTAMP + to_seconds(32400 + floor(rnd(t.order_id, 1, 'sec') * 43200)) AS ts,
  t.member_id, 'completed' AS status,
  least(40, 1 + floor(-ln(greatest(rnd(t.order_id, 4, 'items'), 1e-9)) * (sd.lines_per_ticket - 1)))::INTEGER AS items,
  t.coupon AS wants_coupon
FROM t JOIN _demo_store_day sd ON sd.store_id = t.store_id AND sd.date = t.date AND sd.is_open`;

/**
 * A coupon to every targeted member of a coupon campaign, its face by the till's rule for that member's would-be
 * order (so a redeemed coupon's face is the discount on its line); redeemed where the order was placed.
 */
export const plantedCoupons = (runs: PlantedRun[]): string => `
${insertInto('coupon')}
SELECT ${PLANTED_ORDER('t.campaign_id', 't.member_id')} * 10, t.campaign_id, t.member_id,
       CASE WHEN rnd(${PLANTED_ORDER('t.campaign_id', 't.member_id')}, 0, 'face') < 0.6 THEN 5 ELSE 10 END,
       k.start_date, o.date, o.order_id
FROM campaign_target t JOIN campaign k USING (campaign_id) JOIN ${runsTable(runs)} USING (campaign_id)
LEFT JOIN orders o ON o.order_id = ${PLANTED_ORDER('t.campaign_id', 't.member_id')}
WHERE t.arm = 'target' AND p.coupon`;

/** Five fen a message to each targeted member: the campaign's cost besides its coupons. */
export const plantedCosts = (runs: PlantedRun[]): string => `
UPDATE campaign SET other_cost = round(0.05 * (SELECT count(*) FROM campaign_target t
                                              WHERE t.campaign_id = campaign.campaign_id AND t.arm = 'target'), 2)
WHERE campaign_id IN (SELECT campaign_id FROM ${runsTable(runs)})`;

/**
 * The demo chain's targets (目标): for each region, net sales and gross profit for the month of the last day and the
 * two before, each last year's same month grown 4–12% (a chain plans growth), rounded to the thousand.
 */
export const demoTargets = (end: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(end)) throw new Error(`not an ISO date: ${end}`);
  return `
${insertInto('target')}
WITH months AS (
  SELECT CAST(range AS DATE) AS first FROM range(date_trunc('month', DATE '${end}') - INTERVAL 2 MONTH,
    date_trunc('month', DATE '${end}') + INTERVAL 1 MONTH, INTERVAL 1 MONTH)),
ly AS (
  SELECT s.region, m.first, sum(l.net) AS net, sum(l.net - l.cost) AS profit
  FROM months m JOIN sales_line l ON l.date >= CAST(m.first - INTERVAL 1 YEAR AS DATE)
    AND l.date < CAST(m.first - INTERVAL 1 YEAR + INTERVAL 1 MONTH AS DATE)
  JOIN store s USING (store_id) GROUP BY 1, 2)
SELECT kpi, 'region', region, first, CAST(first + INTERVAL 1 MONTH AS DATE) - 1,
       round(v * (1.04 + 0.08 * rnd(hash(region), epoch(first), kpi)), -3)::DECIMAL(18,2)
FROM ly CROSS JOIN LATERAL (VALUES ('net_sales', net), ('gross_profit', profit)) AS k(kpi, v)
WHERE v > 0`;
};
