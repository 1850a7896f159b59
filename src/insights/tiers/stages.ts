import { ZhongtaiError } from '../../model/index.js';

/**
 * The three generations of membership (会员三代): registered (注册会员), wallet (储值会员: topped up a stored-value
 * wallet) and paid (付费会员: bought a paid membership), each member's first day at each — from the demo's and the
 * sources' member events and from the member center's ledgers (a top-up, a paid period started), whichever came
 * first. A member who went straight to paid reached both at once. Members merged into another are left out.
 */
export const STAGES_SQL = `
  WITH events AS (
    SELECT member_id, date, CASE WHEN type = 'wallet_topup' THEN 'wallet' WHEN type = 'paid_join' THEN 'paid' END AS stage
    FROM member_event WHERE type IN ('wallet_topup', 'paid_join')
    UNION ALL
    SELECT m.member_id, w.date, 'wallet' FROM wallet_entry w JOIN member m ON m.member_code = w.member_code
    WHERE w.kind = 'top_up'
    UNION ALL
    SELECT m.member_id, p.date, 'paid' FROM paid_member_change p JOIN member m ON m.member_code = p.member_code
    WHERE p.change = 'start' AND p.members > 0),
  firsts AS (
    SELECT member_id, min(date) FILTER (WHERE stage = 'paid') AS paid_at, min(date) AS wallet_at FROM events GROUP BY member_id)
  SELECT m.member_id, m.home_store_id, m.registered_channel, m.recruited_by,
         CAST(m.registered_at AS DATE) AS registered_at, f.wallet_at, f.paid_at
  FROM member m LEFT JOIN firsts f USING (member_id)
  WHERE m.merged_into IS NULL`;

/** Months YYYY-MM checked (they reach SQL as parameters, but a wrong one should be named, not empty). */
export function monthOf(value: string, field: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value))
    throw new ZhongtaiError(
      'BAD_REQUEST',
      { en: `${field}: a month YYYY-MM, not ${value}`, zh: `${field} 应为月份 YYYY-MM，收到 ${value}` },
      { field },
    );
  return value;
}
