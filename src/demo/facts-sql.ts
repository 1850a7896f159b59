import { insertInto } from './insert-into.js';
/**
 * The fact tables of the demo chain, generated inside DuckDB. Randomness is a hash of (seed, row
 * identity, purpose), so the same seed gives the same rows whatever the thread count, and a 100M-line
 * chain is a few SQL statements rather than a JS loop.
 *
 * Only numbers and ISO dates checked by the caller are interpolated here; nothing comes from users.
 */
export interface FactParams {
  seed: number;
  start: string;
  end: string;
  /** Ticket-volume multiplier (1 = realistic volumes per store). */
  scale: number;
}

const d = (date: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`not an ISO date: ${date}`);
  return `DATE '${date}'`;
};

/** The volume factor as a DOUBLE: a long decimal literal would become a DECIMAL and overflow products. */
export const scaleOf = (p: FactParams): string => {
  if (!Number.isFinite(p.scale) || p.scale <= 0) throw new Error(`bad scale ${p.scale}`);
  return `CAST(${p.scale} AS DOUBLE)`;
};

export const macros = (p: FactParams): string[] => [
  `CREATE OR REPLACE TEMP MACRO rnd(a, b, salt) AS ((hash(a, b, salt, ${Math.trunc(p.seed)}) % 1000003)::DOUBLE / 1000003.0)`,
  `CREATE OR REPLACE TEMP MACRO gauss(a, b, salt) AS (sqrt(-2 * ln(greatest(rnd(a, b, salt || 'u'), 1e-9))) * cos(2 * pi() * rnd(a, b, salt || 'v')))`,
];

/** Per store: ticket volume, basket size and the member base that grows evenly from its first day. */
export const storeParams = (p: FactParams): string => `
CREATE OR REPLACE TEMP TABLE _demo_store AS
SELECT s.store_id, s.format, s.open_date, s.close_date, s.selling_area_m2,
       f.tickets_lo + rnd(s.store_id, 0, 'tickets') * (f.tickets_hi - f.tickets_lo) AS base_tickets,
       f.lines_per_ticket, f.conversion, f.weekend_factor, f.holiday_factor, f.staff,
       f.ch_pos, f.ch_self, f.ch_scan, f.ch_mini, f.ch_delivery,
       greatest(s.open_date, ${d(p.start)} - 1000) AS reg_from
FROM store s JOIN _demo_format f USING (format)`;

export const storeDays = (p: FactParams): string => `
CREATE OR REPLACE TEMP TABLE _demo_store_day AS
WITH base AS (
  SELECT s.*, sa.assort, c.date, c.date - ${d(p.start)} AS day_idx, c.month, c.weekday, c.is_holiday, c.is_makeup_workday,
         c.spring_festival_offset AS sf,
         (c.date >= s.open_date AND (s.close_date IS NULL OR c.date < s.close_date)
           AND NOT (c.spring_festival_offset BETWEEN 0 AND 1 AND s.format IN ('fresh', 'convenience') AND rnd(s.store_id, c.date, 'sfclose') < 0.5)
           AND rnd(s.store_id, c.date, 'closed') >= 0.002) AS is_open
  FROM _demo_store s JOIN calendar c ON c.date BETWEEN greatest(${d(p.start)}, s.open_date) AND ${d(p.end)}
  JOIN _demo_store_assort sa ON sa.store_id = s.store_id AND c.date BETWEEN sa.valid_from AND sa.valid_to
  WHERE s.close_date IS NULL OR c.date < s.close_date
), factors AS (
  SELECT *,
    (CASE WHEN weekday >= 6 AND NOT is_makeup_workday THEN weekend_factor ELSE 1 END)
    * (CASE WHEN is_holiday THEN holiday_factor ELSE 1 END)
    * (CASE WHEN sf BETWEEN -14 AND -1 AND format IN ('supermarket', 'fresh') THEN 1.3 + 0.03 * (14 + sf)
            WHEN sf BETWEEN -14 AND -1 THEN 1.1
            WHEN sf BETWEEN 0 AND 3 THEN 0.55 WHEN sf BETWEEN 4 AND 7 THEN 0.8 ELSE 1 END)
    * (CASE WHEN format = 'fresh' THEN 1 + 0.12 * cos(2 * pi() * (month - 7) / 12) ELSE 1 + 0.04 * cos(2 * pi() * (month - 12) / 12) END)
    * (1 + 0.05 * day_idx / 365.0)
    * least(1, 0.6 + 0.4 * (date - open_date) / 120.0)
    * exp(0.08 * gauss(store_id, date, 'noise')) AS factor,
    CASE WHEN month = 6 AND day(date) = 18 THEN 2.6 WHEN month = 6 AND day(date) <= 17 THEN 1.5
         WHEN month = 11 AND day(date) = 11 THEN 3.0 WHEN month = 11 AND day(date) <= 10 THEN 1.7 ELSE 1 END AS online_boost
  FROM base
)
SELECT factors.store_id, format, assort, date, day_idx, is_open, selling_area_m2, lines_per_ticket, conversion,
       ch_pos, ch_self, ch_scan, ch_mini, ch_delivery,
       CASE WHEN is_open THEN round(base_tickets * factor * (ch_pos + ch_self + ch_scan) * ${scaleOf(p)})::INTEGER ELSE 0 END AS n_instore,
       CASE WHEN is_open THEN round(base_tickets * factor * (ch_mini + ch_delivery) * online_boost * ${scaleOf(p)})::INTEGER ELSE 0 END AS n_online,
       -- members registered up to this day (members are numbered in registration order per store)
       floor(m.m_total * (date - factors.reg_from + 1) / (${d(p.end)} - factors.reg_from + 1))::BIGINT AS reg_count
FROM factors JOIN _demo_member_base m ON m.store_id = factors.store_id`;

export const memberBase = (p: FactParams): string => `
CREATE OR REPLACE TEMP TABLE _demo_member_base AS
SELECT store_id, reg_from, greatest(1, round(base_tickets * ${scaleOf(p)} * 12))::BIGINT AS m_total FROM _demo_store`;

export const storeDayFact = (): string => `
INSERT INTO store_day (store_id, date, is_open, selling_area_m2) SELECT store_id, date, is_open, selling_area_m2 FROM _demo_store_day`;

/** Tickets of one chunk of days: channel, hour, member, basket size, status. */
export const ordersChunk = (from: string, to: string): string => `
CREATE OR REPLACE TEMP TABLE _demo_orders AS
WITH t AS (
  SELECT sd.*, unnest(range(sd.n_instore + sd.n_online)) AS i
  FROM _demo_store_day sd WHERE sd.date BETWEEN ${d(from)} AND ${d(to)} AND sd.n_instore + sd.n_online > 0
), c AS (
  SELECT t.*, (t.day_idx::BIGINT * 10000 + t.store_id) * 100000 + t.i AS order_id, t.i < t.n_instore AS in_store,
         rnd(t.store_id * 100000 + t.i, t.date, 'channel') AS u_ch
  FROM t
), ch AS (
  SELECT c.*,
    CASE WHEN in_store THEN
      CASE WHEN u_ch < ch_pos / (ch_pos + ch_self + ch_scan) THEN 'pos'
           WHEN u_ch < (ch_pos + ch_self) / (ch_pos + ch_self + ch_scan) THEN 'self_checkout' ELSE 'scan_and_go' END
    ELSE CASE WHEN u_ch < ch_mini / (ch_mini + ch_delivery) THEN 'mini_program' ELSE 'delivery' END END AS channel,
    rnd(order_id, 0, 'u') AS u
  FROM c
)
SELECT ch.order_id, ch.store_id, ch.format, ch.assort, ch.date, ch.channel, ch.in_store,
  ch.date::TIMESTAMP + to_seconds(h.hour * 3600 + floor(rnd(ch.order_id, 1, 'sec') * 3600)) AS ts,
  CASE WHEN reg_count > 0 AND rnd(ch.order_id, 2, 'member') < CASE ch.channel WHEN 'mini_program' THEN 1 WHEN 'scan_and_go' THEN 1
       WHEN 'delivery' THEN 0.55 WHEN 'self_checkout' THEN 0.3 ELSE 0.42 END
       THEN ch.store_id::BIGINT * 10000000 + floor(rnd(ch.order_id, 3, 'who') * ch.reg_count)::BIGINT END AS member_id,
  CASE WHEN ch.channel = 'delivery' AND u < 0.015 THEN 'cancelled' WHEN ch.channel = 'pos' AND u < 0.008 THEN 'returned' ELSE 'completed' END AS status,
  CASE WHEN ch.channel = 'pos' AND u < 0.008 THEN 1
       ELSE least(40, 1 + floor(-ln(greatest(rnd(ch.order_id, 4, 'items'), 1e-9)) * (ch.lines_per_ticket - 1)))::INTEGER END AS items,
  rnd(ch.order_id, 5, 'coupon') < 0.07 AS wants_coupon
FROM ch JOIN _demo_hour h ON h.format = ch.format AND h.bin = floor(rnd(ch.order_id, 6, 'hour') * 100)::INTEGER`;

/** Lines of the chunk's tickets: SKU by popularity within the store's range that day, promotions, coupons. */
export const linesChunk = (): string => `
${insertInto('sales_line')}
WITH u AS (
  SELECT o.*, unnest(range(o.items)) AS line_idx FROM _demo_orders o WHERE o.status <> 'cancelled'
), l AS (
  -- the rank is a column before the join, so the join stays a hash join on (assort, rank)
  SELECT u.*, CASE WHEN rnd(u.order_id, u.line_idx, 'tail') < z.tail_lines
                   THEN z.n_core + floor(rnd(u.order_id, u.line_idx, 'tailsku') * (z.n - z.n_core))
                   ELSE floor(pow(rnd(u.order_id, u.line_idx, 'sku'), 2.5) * z.n_core) END::INTEGER AS sku_rank
  FROM u JOIN _demo_assort_size z ON z.assort = u.assort
), priced AS (
  SELECT l.order_id, l.line_idx + 1 AS line_no, l.ts, l.date, l.store_id, l.channel, a.sku, l.member_id, l.status,
    l.wants_coupon AND l.member_id IS NOT NULL AND l.line_idx = 0 AND l.status = 'completed' AS coupon_line,
    (CASE WHEN l.status = 'returned' THEN -1 ELSE 1 END) *
    (CASE WHEN p.unit = 'kg' THEN round(0.3 + 1.4 * rnd(l.order_id, l.line_idx, 'kg'), 3)
          ELSE (CASE WHEN rnd(l.order_id, l.line_idx, 'qty') < 0.8 THEN 1 WHEN rnd(l.order_id, l.line_idx, 'qty') < 0.95 THEN 2
                     ELSE 3 + floor(rnd(l.order_id, l.line_idx, 'qty2') * 4) END) END)::DECIMAL(12,3) AS qty,
    p.list_price, p.unit_cost, pd.promotion_id, coalesce(pd.discount_pct, 0) AS discount_pct
  FROM l
  JOIN _demo_assort a ON a.assort = l.assort AND a.rank = l.sku_rank
  JOIN product p ON p.sku = a.sku
  LEFT JOIN _demo_promo_day pd ON pd.date = l.date AND pd.category_l1 = p.category_l1
), amounts AS (
  SELECT *, round(list_price * qty, 2)::DECIMAL(18,2) AS gross FROM priced
), discounted AS (
  -- Rounded to cents as a DECIMAL here, so net = gross − discount holds exactly on every line.
  SELECT *, (round(least(abs(gross) * 0.5, round(abs(gross) * discount_pct, 2)
                  + CASE WHEN coupon_line THEN (CASE WHEN rnd(order_id, 0, 'face') < 0.6 THEN 5 ELSE 10 END) ELSE 0 END), 2)
             * sign(gross))::DECIMAL(18,2) AS disc
  FROM amounts
)
SELECT order_id, line_no, ts, date, store_id, channel, sku, member_id, qty, gross,
       disc, gross - disc, round(unit_cost * qty, 2)::DECIMAL(18,2),
       CASE WHEN discount_pct > 0 THEN promotion_id END,
       CASE WHEN coupon_line THEN order_id * 10 END
FROM discounted`;

export const ordersFactChunk = (from: string, to: string): string => `
${insertInto('orders')}
SELECT o.order_id, o.ts, o.date, o.store_id, o.channel, o.member_id, o.status, coalesce(l.net, 0), coalesce(l.items, 0)
FROM _demo_orders o
LEFT JOIN (SELECT order_id, sum(net) AS net, count(*)::INTEGER AS items FROM sales_line
           WHERE date BETWEEN ${d(from)} AND ${d(to)} GROUP BY order_id) l USING (order_id)
ORDER BY o.order_id`;

/** People counters: visitors per store-hour, consistent with the format's conversion rate. */
export const trafficChunk = (): string => `
${insertInto('traffic')}
SELECT store_id, date, hour,
       (round(n / conversion * exp(0.1 * gauss(store_id, date, 'visitors' || hour))) + floor(rnd(store_id, date, 'extra' || hour) * 4))::INTEGER,
       'people_counter'
FROM (SELECT o.store_id, o.date, hour(o.ts) AS hour, count(*) AS n, any_value(sd.conversion) AS conversion
      FROM _demo_orders o JOIN _demo_store_day sd ON sd.store_id = o.store_id AND sd.date = o.date
      WHERE o.in_store GROUP BY ALL)`;

/** App and mini-program users: every online buyer, and a slice of the member base browsing. */
export const appActivityChunk = (from: string, to: string): string => `
${insertInto('app_activity')}
SELECT DISTINCT member_id, date, channel FROM (
  SELECT store_id::BIGINT * 10000000 + floor(rnd(store_id * 1000 + j, date, 'dau') * reg_count)::BIGINT AS member_id, date,
         CASE WHEN rnd(store_id * 1000 + j, date, 'app') < 0.8 THEN 'mini_program' ELSE 'app' END AS channel
  FROM (SELECT sd.*, unnest(range(round(sd.reg_count * 0.02 * (CASE WHEN isodow(sd.date) >= 6 THEN 1.2 ELSE 1 END))::BIGINT)) AS j
        FROM _demo_store_day sd WHERE sd.date BETWEEN ${d(from)} AND ${d(to)} AND sd.reg_count > 0)
  UNION ALL
  SELECT member_id, date, 'mini_program' FROM _demo_orders WHERE channel = 'mini_program' AND member_id IS NOT NULL
)`;

/** Coupons: each redeemed one, and two more issued with it that were never used. */
export const couponsChunk = (from: string, to: string): string => `
${insertInto('coupon')}
SELECT s.coupon_id * 10 + j, cd.campaign_id,
       CASE WHEN j = 0 THEN s.member_id ELSE s.store_id::BIGINT * 10000000 + floor(rnd(s.coupon_id, j, 'holder') * greatest(sd.reg_count, 1))::BIGINT END,
       s.face, s.date - floor(rnd(s.coupon_id, j, 'issued') * 7)::INTEGER,
       CASE WHEN j = 0 THEN s.date END, CASE WHEN j = 0 THEN s.coupon_id END
FROM (SELECT sl.order_id AS coupon_id, sl.member_id, sl.store_id, sl.date,
             CASE WHEN rnd(sl.order_id, 0, 'face') < 0.6 THEN 5 ELSE 10 END AS face
      FROM sales_line sl WHERE sl.date BETWEEN ${d(from)} AND ${d(to)} AND sl.coupon_id IS NOT NULL) s
JOIN _demo_campaign_day cd ON cd.date = s.date
JOIN _demo_store_day sd ON sd.store_id = s.store_id AND sd.date = s.date
CROSS JOIN range(3) r(j)`;
