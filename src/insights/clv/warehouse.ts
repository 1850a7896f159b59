import { ZhongtaiError } from '../../model/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import type { Purchase } from './summary.js';

/**
 * Members' completed orders to a day, one purchase a member and day (what the models count), named by the member
 * center's code where the member has one, else by the warehouse's member id. A day netting to 0 (free goods) is a
 * purchase, as the literature counts CDNOW's $0 orders; a day of returns only is not.
 */
export async function memberPurchases(warehouse: Warehouse, to: string): Promise<Purchase[]> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(to) || Number.isNaN(Date.parse(to)))
    throw new ZhongtaiError(
      'BAD_REQUEST',
      { en: `calibration end: not a date YYYY-MM-DD: ${to}`, zh: `校准截止日不是 YYYY-MM-DD 日期：${to}` },
      { field: 'calibrationEnd' },
    );
  const rows = await warehouse.query(
    `SELECT coalesce(m.member_code, CAST(o.member_id AS VARCHAR)) AS customer, CAST(o.date AS VARCHAR) AS date,
            CAST(sum(o.net) AS DOUBLE) AS amount
     FROM member_orders o LEFT JOIN member m ON m.member_id = o.member_id
     WHERE o.member_id IS NOT NULL AND o.status = 'completed' AND o.date <= CAST($1 AS DATE)
     GROUP BY 1, 2 HAVING sum(o.net) >= 0`,
    [to],
  );
  return rows.map((r) => ({ customer: String(r.customer), date: String(r.date), amount: Number(r.amount) }));
}
