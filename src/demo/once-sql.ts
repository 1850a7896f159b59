import { type FactParams, scaleOf } from './facts-sql.js';
import { insertInto } from './insert-into.js';

/**
 * Demo tables made once for the whole window: members and their events, stock, receipts, staff,
 * shifts and attendance, and the lookup tables the chunked generators join to.
 */
const d = (date: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`not an ISO date: ${date}`);
  return `DATE '${date}'`;
};

export const lookups = (): string[] => [
  // Ranks below n_core are the format's regular sellers; the rest is its slow tail, tail_lines of the lines.
  `CREATE OR REPLACE TEMP TABLE _demo_assort_size AS
   SELECT assort, n, n_core, CASE WHEN n_core < n THEN tail_lines ELSE 0 END AS tail_lines
   FROM (SELECT a.assort, count(*)::INTEGER AS n, any_value(f.tail_lines) AS tail_lines,
                greatest(1, least(count(*), round(count(*) * (1 - any_value(f.tail_skus)))))::INTEGER AS n_core
         FROM _demo_assort a JOIN _demo_format f ON f.format = split_part(a.assort, ':', 1) GROUP BY a.assort)`,
  // Best promotion of each day for each category; chain-wide festivals (no category) apply to all.
  `CREATE OR REPLACE TEMP TABLE _demo_promo_day AS
   SELECT c.date, l1.category_l1, arg_max(p.promotion_id, p.discount_pct) AS promotion_id, max(p.discount_pct) AS discount_pct
   FROM calendar c JOIN promotion p ON c.date BETWEEN p.start_date AND p.end_date
   CROSS JOIN (SELECT DISTINCT category_l1 FROM product) l1
   WHERE p.category_l1 IS NULL OR p.category_l1 = l1.category_l1
   GROUP BY ALL`,
  `CREATE OR REPLACE TEMP TABLE _demo_campaign_day AS
   SELECT c.date, coalesce(
     (SELECT min(k.campaign_id) FROM campaign k WHERE c.date BETWEEN k.start_date AND k.end_date AND k.type = 'festival'),
     (SELECT min(k.campaign_id) FROM campaign k WHERE k.type = 'member_day' AND date_trunc('month', k.start_date) = date_trunc('month', c.date)),
     (SELECT min(campaign_id) FROM campaign)) AS campaign_id
   FROM calendar c`,
];

/** Each store's headcount (employees store_id·1000 + 0 … n−1: the manager, the supervisor, then the rest). */
const staffCount = (p: FactParams) =>
  `greatest(2, round(staff * ${scaleOf(p)} * (0.8 + 0.4 * rnd(store_id, 0, 'staff'))))::BIGINT`;

export const members = (p: FactParams): string[] => [
  // Members who joined at the till or by a clerk's QR code in the store (not by themselves online) mostly name
  // the clerk who signed them up (导购拉新): one of the store's clerks, or its manager or supervisor in a small one.
  `${insertInto('member')}
   WITH m AS (
     SELECT b.store_id, b.reg_from, b.m_total, k, b.store_id::BIGINT * 10000000 + k AS member_id,
            b.reg_from + floor(k * (${d(p.end)} - b.reg_from + 1) / b.m_total)::INTEGER AS reg_date
     FROM (SELECT *, unnest(range(m_total)) AS k FROM _demo_member_base) b
   ), t AS (
     SELECT m.*, rnd(member_id, 0, 'tier') AS u_tier, rnd(member_id, 2, 'ch') AS u_ch, s.n_staff
     FROM m JOIN (SELECT store_id, ${staffCount(p)} AS n_staff FROM _demo_store) s USING (store_id)
   )
   SELECT member_id, reg_date::TIMESTAMP + to_seconds(floor(rnd(member_id, 1, 'sec') * 50400) + 28800),
     CASE WHEN u_ch < 0.55 THEN 'mini_program' WHEN u_ch < 0.9 THEN 'pos' ELSE 'delivery' END,
     store_id,
     CASE WHEN u_tier < 0.7 THEN 'registered' WHEN u_tier < 0.9 THEN 'wallet' ELSE 'paid' END,
     CASE WHEN u_tier < 0.7 THEN reg_date ELSE reg_date + floor(rnd(member_id, 3, 'since') * (${d(p.end)} - reg_date))::INTEGER END,
     CASE WHEN u_tier >= 0.9 THEN reg_date + floor(rnd(member_id, 3, 'since') * (${d(p.end)} - reg_date))::INTEGER + 365 END,
     NULL, NULL,
     CASE WHEN (u_ch >= 0.55 AND u_ch < 0.9 OR u_ch < 0.55 AND rnd(member_id, 6, 'qr') < 0.4) AND rnd(member_id, 6, 'clerk') < 0.75
          THEN store_id * 1000 + CASE WHEN n_staff > 2 THEN 2 + floor(rnd(member_id, 6, 'who') * (n_staff - 2))
                                      ELSE floor(rnd(member_id, 6, 'who') * n_staff) END END
   FROM t`,
  `${insertInto('member_event')}
   SELECT member_id, registered_at, registered_at::DATE, 'register', home_store_id, NULL FROM member
   UNION ALL
   SELECT member_id, tier_since::TIMESTAMP + INTERVAL 12 HOUR, tier_since, CASE tier WHEN 'wallet' THEN 'wallet_topup' ELSE 'paid_join' END,
          home_store_id, CASE tier WHEN 'wallet' THEN (CASE WHEN rnd(member_id, 4, 'topup') < 0.5 THEN 200 ELSE 500 END) ELSE 199 END
   FROM member WHERE tier IN ('wallet', 'paid')
   UNION ALL
   SELECT member_id, (tier_since + 365)::TIMESTAMP + INTERVAL 10 HOUR, tier_since + 365, 'paid_renew', home_store_id, 199
   FROM member WHERE tier = 'paid' AND tier_since + 365 <= ${d(p.end)} AND rnd(member_id, 5, 'renew') < 0.6`,
];

/**
 * Expected daily units of each listed SKU in each store while its range holds, from the curve the line
 * generator samples: regular sellers by rank = n_core·u^2.5, so P(rank < x) = (x/n_core)^0.4; the slow
 * tail evenly.
 */
const expectedUnits = (p: FactParams) => `
  SELECT s.store_id, s.format, sa.valid_from, sa.valid_to, a.sku, pr.unit_cost, pr.pack_size,
         coalesce(pr.shelf_life_days, 999) AS shelf_life,
         s.base_tickets * ${scaleOf(p)} * s.lines_per_ticket * 1.3
           * CASE WHEN a.rank < z.n_core
                  THEN (1 - z.tail_lines) * (pow((a.rank + 1.0) / z.n_core, 0.4) - pow(a.rank * 1.0 / z.n_core, 0.4))
                  ELSE z.tail_lines / (z.n - z.n_core) END AS daily_units
  FROM _demo_store s JOIN _demo_store_assort sa USING (store_id) JOIN _demo_assort a ON a.assort = sa.assort
  JOIN _demo_assort_size z ON z.assort = sa.assort JOIN product pr ON pr.sku = a.sku
  WHERE rnd(s.store_id, a.sku, 'listed') < 0.92`;

/** Stock on hand: daily for the last 90 days (what replenishment reads), weekly (Sundays) before that. */
export const inventory = (p: FactParams): string => `
${insertInto('inventory_snapshot')}
WITH e AS (${expectedUnits(p)}),
days AS (
  SELECT date FROM calendar WHERE date BETWEEN ${d(p.start)} AND ${d(p.end)} AND (weekday = 7 OR date > ${d(p.end)} - 90)
), q AS (
  SELECT days.date, e.store_id, e.sku, e.unit_cost,
    CASE WHEN rnd(e.store_id * 100000 + e.sku, days.date, 'oos') < 0.04 THEN 0
         ELSE ceil(e.daily_units * (CASE WHEN e.shelf_life < 15 THEN 1 + rnd(e.store_id * 100000 + e.sku, days.date, 'cover') * 3
                                           ELSE 3 + rnd(e.store_id * 100000 + e.sku, days.date, 'cover') * 25 END)) END AS qty
  FROM e JOIN days ON days.date BETWEEN e.valid_from AND e.valid_to JOIN _demo_store s ON s.store_id = e.store_id
  WHERE days.date >= s.open_date AND (s.close_date IS NULL OR days.date < s.close_date)
)
SELECT date, store_id, sku, qty::DECIMAL(12,3), round(qty * unit_cost, 2)::DECIMAL(18,2) FROM q`;

export const receipts = (p: FactParams): string => `
${insertInto('receipt')}
WITH e AS (${expectedUnits(p)})
SELECT (c.date - DATE '2000-01-01')::BIGINT * 100000 + e.store_id, c.date, e.store_id, e.sku, pr.supplier_id,
       (ceil(e.daily_units * 7 / e.pack_size) * e.pack_size)::DECIMAL(12,3),
       round(ceil(e.daily_units * 7 / e.pack_size) * e.pack_size * e.unit_cost, 2)::DECIMAL(18,2)
FROM e JOIN product pr ON pr.sku = e.sku
JOIN calendar c ON c.weekday = 1 AND c.date BETWEEN ${d(p.end)} - 55 AND ${d(p.end)} AND c.date BETWEEN e.valid_from AND e.valid_to
JOIN _demo_store s ON s.store_id = e.store_id AND c.date >= s.open_date AND (s.close_date IS NULL OR c.date < s.close_date)
WHERE e.daily_units * 7 >= 0.5`;

export const staff = (p: FactParams): string[] => [
  `${insertInto('employee')}
   SELECT s.store_id * 1000 + k, '员工' || lpad((s.store_id * 1000 + k)::VARCHAR, 7, '0'), s.store_id,
     CASE WHEN k = 0 THEN 'store_manager' WHEN k = 1 THEN 'supervisor' WHEN s.format = 'fresh' AND k % 2 = 0 THEN 'fresh_clerk'
          WHEN k % 3 = 0 THEN 'cashier' ELSE 'clerk' END,
     -- hourly cost to the employer, social insurance included (CNY)
     CASE WHEN k = 0 THEN 60 WHEN k = 1 THEN 45 ELSE 28 + floor(rnd(s.store_id, k, 'wage') * 12) END,
     s.open_date - floor(rnd(s.store_id, k, 'hired') * 300)::INTEGER
   FROM (SELECT *, unnest(range(${staffCount(p)})) AS k FROM _demo_store) s`,
  // Five days a week each, early and late shifts that cover the trading day.
  `${insertInto('shift')}
   SELECT e.employee_id, e.store_id, sd.date,
          sd.date::TIMESTAMP + to_seconds(CASE WHEN e.employee_id % 2 = 0 THEN 7 ELSE 14 END * 3600),
          sd.date::TIMESTAMP + to_seconds(CASE WHEN e.employee_id % 2 = 0 THEN 15 ELSE 22 END * 3600), e.role
   FROM employee e JOIN _demo_store_day sd ON sd.store_id = e.store_id AND sd.is_open
   WHERE (sd.day_idx + e.employee_id) % 7 NOT IN (e.employee_id % 7, (e.employee_id + 3) % 7)`,
  `${insertInto('attendance')}
   SELECT s.employee_id, s.store_id, s.date, ci, co, s.role, round(date_diff('second', ci, co) / 3600.0, 3)::DECIMAL(12,3),
          round(date_diff('second', ci, co) / 3600.0 * e.hourly_cost, 2)::DECIMAL(18,2)
   FROM (SELECT *, start_ts + to_seconds(round(gauss(employee_id, date, 'in') * 300)) AS ci,
                   end_ts + to_seconds(round(600 + gauss(employee_id, date, 'out') * 600)) AS co FROM shift) s
   JOIN employee e USING (employee_id)
   WHERE rnd(s.employee_id, s.date, 'absent') >= 0.03`,
];
