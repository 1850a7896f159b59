import type { UpgradeEffect } from '../../contract/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { estimateLift, type MemberOutcome, spendBands } from '../campaigns/index.js';
import { homeStoreCondition } from '../home-stores.js';
import { monthOf, STAGES_SQL } from './stages.js';

const MAX_CONTROLS_PER_MONTH = 20_000;

/**
 * Upgraders against like members who had not upgraded (see UpgradeEffect in the contract): each month's upgraders
 * and, as controls, members registered as long who had not reached the stage by the end of the comparison.
 */
export async function upgradeEffect(
  warehouse: Warehouse,
  options: { from: string; to: string; stage?: 'wallet' | 'paid'; days?: number; stores?: number[] | null },
): Promise<UpgradeEffect> {
  monthOf(options.from, 'from');
  monthOf(options.to, 'to');
  const stage = options.stage ?? 'paid';
  const days = Math.max(7, Math.min(365, Math.trunc(options.days ?? 90)));
  const at = stage === 'paid' ? 'paid_at' : 'wallet_at';
  const [size] = await warehouse.query(`SELECT count(*) AS n FROM member`);
  const controlShare = Math.min(1, MAX_CONTROLS_PER_MONTH / Math.max(1, Number(size?.n ?? 0)));
  const rows = await warehouse.query(
    `WITH s AS (SELECT * FROM (${STAGES_SQL}) x WHERE ${homeStoreCondition(options.stores, 'x.home_store_id')}),
     last AS (SELECT max(date) AS day FROM member_orders WHERE status = 'completed'),
     mo AS (
       SELECT CAST(range AS DATE) AS month
       FROM range(CAST($1 || '-01' AS DATE), CAST($2 || '-01' AS DATE) + INTERVAL 1 MONTH, INTERVAL 1 MONTH)),
     pairs AS (
       SELECT mo.month, s.member_id, s.home_store_id AS store,
              CASE WHEN date_trunc('month', s.${at}) = mo.month THEN 'T' ELSE 'C' END AS grp,
              least(3, date_diff('month', s.registered_at, mo.month) // 6) AS tenure
       FROM mo CROSS JOIN last JOIN s ON s.registered_at < mo.month
       WHERE CAST(mo.month + INTERVAL 1 MONTH AS DATE) + CAST($3 AS INTEGER) <= last.day
         AND (date_trunc('month', s.${at}) = mo.month
              OR ((s.${at} IS NULL OR s.${at} >= CAST(mo.month + INTERVAL 1 MONTH AS DATE) + CAST($3 AS INTEGER))
                  AND (hash(s.member_id, mo.month) % 1000000) < $4 * 1000000))),
     -- Joined on the member alone (a hash join); the days are picked in the sums: with the day ranges in the join's
     -- condition the engine chose a range join, ten times slower.
     bought AS (
       SELECT member_id, date, net FROM member_orders
       WHERE status = 'completed' AND date >= CAST($1 || '-01' AS DATE) - CAST($3 AS INTEGER) - 180
         AND date < CAST(CAST($2 || '-01' AS DATE) + INTERVAL 1 MONTH AS DATE) + CAST($3 AS INTEGER) + 31)
     SELECT p.grp, strftime(p.month, '%Y-%m') AS month, p.store, p.tenure,
       CAST(coalesce(sum(o.net) FILTER (WHERE o.date >= p.month - CAST($3 AS INTEGER) AND o.date < p.month), 0) AS DOUBLE) AS pre,
       -- The half year before the pre-period, what members are banded by: banded on the pre-period itself, both
       -- groups' extremes would regress towards their means after it, and the difference would show that.
       CAST(coalesce(sum(o.net) FILTER (WHERE o.date >= p.month - CAST($3 AS INTEGER) - 180
                                         AND o.date < p.month - CAST($3 AS INTEGER)), 0) AS DOUBLE) AS earlier,
       CAST(coalesce(sum(o.net) FILTER (WHERE o.date >= CAST(p.month + INTERVAL 1 MONTH AS DATE)
         AND o.date < CAST(p.month + INTERVAL 1 MONTH AS DATE) + CAST($3 AS INTEGER)), 0) AS DOUBLE) AS post
     FROM pairs p LEFT JOIN bought o ON o.member_id = p.member_id
     GROUP BY p.grp, p.month, p.store, p.tenure, p.member_id`,
    [options.from, options.to, days, controlShare],
  );
  // Strata: month × store × tenure band × the month's treated quintiles of prior spend.
  const byMonth = new Map<string, typeof rows>();
  for (const r of rows) byMonth.set(String(r.month), [...(byMonth.get(String(r.month)) ?? []), r]);
  const strata = new Map<string, number>();
  const treated: MemberOutcome[] = [];
  const control: MemberOutcome[] = [];
  for (const [month, members] of byMonth) {
    const band = spendBands(members.filter((r) => r.grp === 'T').map((r) => Number(r.earlier)));
    for (const r of members) {
      const key = `${month}|${r.store}|${r.tenure}|${band(Number(r.earlier))}`;
      if (!strata.has(key)) strata.set(key, strata.size);
      const outcome = { pre: Number(r.pre), post: Number(r.post), stratum: strata.get(key) as number };
      (r.grp === 'T' ? treated : control).push(outcome);
    }
  }
  const months = new Set(byMonth.keys());
  const monthsLeftOut: string[] = [];
  for (let m = options.from; m <= options.to; m = nextMonth(m)) if (!months.has(m)) monthsLeftOut.push(m);
  const mean = (xs: MemberOutcome[], f: (o: MemberOutcome) => number) =>
    xs.length ? xs.reduce((s, o) => s + f(o), 0) / xs.length : null;
  const naivePost = mean(treated, (o) => o.post);
  const naiveControl = mean(control, (o) => o.post);
  const lift = treated.length && control.length ? estimateLift(treated, control, 'diff_in_diff') : null;
  return {
    stage,
    days,
    treated: lift?.compared ?? 0,
    control: control.length,
    lift: lift ? lift.lift : null,
    low: lift ? lift.low : null,
    high: lift ? lift.high : null,
    naive: naivePost !== null && naiveControl !== null ? naivePost - naiveControl : null,
    preTreated: lift ? lift.preTargeted : null,
    preControl: lift ? lift.preControl : null,
    monthsLeftOut,
    controlShare,
  };
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

export type { UpgradeEffect };
