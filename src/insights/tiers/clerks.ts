import type { ClerkResult } from '../../contract/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { homeStoreCondition } from '../home-stores.js';
import { STAGES_SQL } from './stages.js';

/** Clerk attribution (导购): each employee's recruits and what they brought in a span, ranked within each store. */
export async function clerkAttribution(
  warehouse: Warehouse,
  options: { from: string; to: string; stores?: number[] | null },
): Promise<ClerkResult[]> {
  const rows = await warehouse.query(
    `WITH s AS (SELECT * FROM (${STAGES_SQL}) x WHERE x.recruited_by IS NOT NULL AND ${homeStoreCondition(options.stores, 'x.home_store_id')}),
     bought AS (
       SELECT o.member_id, count(*) AS orders, sum(o.net) AS net FROM member_orders o JOIN s USING (member_id)
       WHERE o.status = 'completed' AND o.date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE) GROUP BY 1)
     SELECT e.employee_id, e.name, e.store_id, st.name AS store_name,
            count(*) AS recruits,
            count(*) FILTER (WHERE s.registered_at BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)) AS joined,
            count(b.member_id) AS buyers, count(*) FILTER (WHERE b.orders >= 2) AS repeaters,
            CAST(coalesce(sum(b.net), 0) AS VARCHAR) AS sales,
            count(*) FILTER (WHERE s.wallet_at BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)
                               OR s.paid_at BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)) AS upgrades,
            rank() OVER (PARTITION BY e.store_id ORDER BY coalesce(sum(b.net), 0) DESC) AS rank
     FROM s JOIN employee e ON e.employee_id = s.recruited_by
     LEFT JOIN store st ON st.store_id = e.store_id
     LEFT JOIN bought b ON b.member_id = s.member_id
     GROUP BY e.employee_id, e.name, e.store_id, st.name
     ORDER BY e.store_id, rank, e.employee_id`,
    [options.from, options.to],
  );
  return rows.map((r) => ({
    employee: Number(r.employee_id),
    name: String(r.name),
    store: Number(r.store_id),
    storeName: r.store_name === null ? String(r.store_id) : String(r.store_name),
    rank: Number(r.rank),
    recruits: Number(r.recruits),
    joined: Number(r.joined),
    buyers: Number(r.buyers),
    repeaters: Number(r.repeaters),
    sales: Number(r.sales),
    upgrades: Number(r.upgrades),
  }));
}

export type { ClerkResult };
