import type { Cohort } from '../../contract/index.js';
import { ZhongtaiError } from '../../model/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { homeStoreCondition } from '../home-stores.js';

/**
 * Cohorts (同期群): members grouped by the month they first bought (or registered), followed month by month — the
 * share who bought again in each later month and the net spend. Months are the chain's calendar months.
 */
export async function memberCohorts(
  warehouse: Warehouse,
  options: {
    by: 'first_purchase' | 'registration';
    from: string;
    to: string;
    stores?: number[] | null;
    /** Members who registered through this channel only (mini_program, pos, …). */
    channel?: string;
  },
): Promise<Cohort[]> {
  for (const [field, value] of [
    ['from', options.from],
    ['to', options.to],
  ] as const)
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value))
      throw new ZhongtaiError(
        'BAD_REQUEST',
        { en: `${field}: a month YYYY-MM, not ${value}`, zh: `${field} 应为月份 YYYY-MM，收到 ${value}` },
        { field },
      );
  // A member's cohort: the month of her first completed order, or of her registration (the member dimension).
  const start =
    options.by === 'registration'
      ? `SELECT member_id, date_trunc('month', CAST(registered_at AS DATE)) AS cohort FROM member WHERE merged_into IS NULL`
      : `SELECT member_id, date_trunc('month', min(date)) AS cohort FROM member_orders
         WHERE member_id IS NOT NULL AND status = 'completed' GROUP BY member_id`;
  // A store's managers: the members of their stores (by home store) only.
  const own = options.stores
    ? `AND member_id IN (SELECT member_id FROM member WHERE ${homeStoreCondition(options.stores, 'home_store_id')})`
    : '';
  const channel = options.channel
    ? 'AND member_id IN (SELECT member_id FROM member WHERE registered_channel = $3)'
    : 'AND $3 IS NULL';
  const rows = await warehouse.query(
    `WITH c AS (${start}),
     chosen AS (SELECT * FROM c WHERE cohort >= CAST($1 || '-01' AS DATE) AND cohort <= CAST($2 || '-01' AS DATE) ${own} ${channel}),
     monthly AS (
       SELECT o.member_id, date_trunc('month', o.date) AS month, sum(o.net) AS net FROM member_orders o
       WHERE o.member_id IS NOT NULL AND o.status = 'completed' GROUP BY 1, 2)
     SELECT strftime(chosen.cohort, '%Y-%m') AS cohort,
            CAST(date_diff('month', chosen.cohort, m.month) AS INTEGER) AS offset_months,
            count(DISTINCT m.member_id) AS active, CAST(sum(m.net) AS VARCHAR) AS spend,
            (SELECT count(*) FROM chosen c2 WHERE c2.cohort = chosen.cohort) AS size
     FROM chosen LEFT JOIN monthly m ON m.member_id = chosen.member_id AND m.month >= chosen.cohort
     GROUP BY 1, 2, chosen.cohort ORDER BY 1, 2`,
    [options.from, options.to, options.channel ?? null],
  );
  const cohorts = new Map<string, Cohort>();
  for (const row of rows) {
    const month = String(row.cohort);
    const cohort = cohorts.get(month) ?? { month, members: Number(row.size), active: [], spend: [] };
    cohorts.set(month, cohort);
    if (row.offset_months === null) continue; // a registration cohort whose members never bought
    const k = Number(row.offset_months);
    while (cohort.active.length <= k) {
      cohort.active.push(0);
      cohort.spend.push(0);
    }
    cohort.active[k] = Number(row.active);
    cohort.spend[k] = Number(row.spend);
  }
  return [...cohorts.values()];
}

export type { Cohort };
