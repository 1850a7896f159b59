import { yuan, ZhongtaiError } from '../../model/index.js';
import { insertRows, type Warehouse } from '../../warehouse/index.js';

/**
 * Phasing (目标分解): each target spread over its stores and days by last year's curve, so a month-to-date target is
 * fair on the 12th. A day is matched to last year's like day by the calendar, not the date: the same weekday 52
 * weeks before; the same day of a public holiday (国庆 day 3 to last year's 国庆 day 3); around Spring Festival the
 * day as many days from it. A group's target (a region, a format, the chain) goes to its stores by what each sold
 * on those days last year; a store that did not trade last year follows its format's curve for a store target of
 * its own (and takes no share of a group's). In whole fen: the days of a target add up to it exactly.
 */
export const TARGET_KPIS = ['net_sales', 'gross_profit', 'orders', 'units'] as const;
export type TargetKpi = (typeof TARGET_KPIS)[number];

/**
 * Each KPI last year, per store and day, on the like days only (the CTE \`ref\`): what weighs the days. Filtered
 * before it is summed, so a target reads its few days, not the whole history.
 */
const ACTUAL: Record<TargetKpi, string> = {
  net_sales:
    'SELECT store_id, date, sum(net) AS v FROM sales_line WHERE date IN (SELECT ref FROM ref) GROUP BY 1, 2',
  gross_profit:
    'SELECT store_id, date, sum(net - cost) AS v FROM sales_line WHERE date IN (SELECT ref FROM ref) GROUP BY 1, 2',
  units:
    'SELECT store_id, date, sum(qty) AS v FROM sales_line WHERE date IN (SELECT ref FROM ref) GROUP BY 1, 2',
  orders:
    "SELECT store_id, date, count(*) AS v FROM orders WHERE status = 'completed' AND date IN (SELECT ref FROM ref) GROUP BY 1, 2",
};

export interface PhaseSummary {
  targets: number;
  storeDays: number;
  seconds: number;
}

interface TargetRow {
  kpi: string;
  level: string;
  code: string;
  period_start: string;
  period_end: string;
  value: string;
}

export async function phaseTargets(warehouse: Warehouse): Promise<PhaseSummary> {
  const started = Date.now();
  const targets = (await warehouse.query(
    `SELECT kpi, level, code, CAST(period_start AS VARCHAR) AS period_start, CAST(period_end AS VARCHAR) AS period_end,
            CAST(value AS VARCHAR) AS value FROM target ORDER BY kpi, period_start, level, code`,
  )) as unknown as TargetRow[];
  const rows: { kpi: string; store_id: number; date: string; fen: number }[] = [];
  const taken = new Map<string, string>();
  for (const target of targets) {
    check(target);
    const parts = await weights(warehouse, target);
    for (const part of parts) {
      // One target per KPI, store and day: a store target and its region's both spread over a day would add up twice.
      const key = `${target.kpi}|${part.store}|${part.date}`;
      const other = taken.get(key);
      if (other)
        throw new ZhongtaiError(
          'BAD_REQUEST',
          {
            en: `${target.kpi} on ${part.date} for store ${part.store}: both ${other} and ${describe(target)} set it; give one level per store and period`,
            zh: `${target.kpi}：门店 ${part.store} 在 ${part.date} 同时被 ${other} 与 ${describe(target)} 设定目标；同一门店同一期间只能有一个层级的目标`,
          },
          { field: 'level' },
        );
      taken.set(key, describe(target));
    }
    const fen = Math.round(Number(target.value) * 100);
    allocate(
      fen,
      parts.map((p) => p.weight),
    ).forEach((share, i) => {
      const part = parts[i] as (typeof parts)[number];
      rows.push({ kpi: target.kpi, store_id: part.store, date: part.date, fen: share });
    });
  }
  await warehouse.transaction(async () => {
    await warehouse.write('DELETE FROM target_day');
    await insertRows(
      warehouse,
      'target_day',
      rows.map((r) => ({ kpi: r.kpi, store_id: r.store_id, date: r.date, value: yuan(r.fen) })),
      2_000,
    );
  });
  return { targets: targets.length, storeDays: rows.length, seconds: (Date.now() - started) / 1000 };
}

const describe = (t: TargetRow) =>
  `${t.level}${t.code ? ` ${t.code}` : ''} (${t.period_start} … ${t.period_end})`;

function check(t: TargetRow): void {
  const bad = (field: string, en: string, zh: string) =>
    new ZhongtaiError(
      'BAD_REQUEST',
      { en: `target ${describe(t)}: ${en}`, zh: `目标 ${describe(t)}：${zh}` },
      { field },
    );
  if (!(TARGET_KPIS as readonly string[]).includes(t.kpi))
    throw bad(
      'kpi',
      `kpi must be one of ${TARGET_KPIS.join(', ')}, not ${t.kpi}`,
      `指标须为 ${TARGET_KPIS.join('、')} 之一，收到 ${t.kpi}`,
    );
  if (!['store', 'region', 'format', 'chain'].includes(t.level))
    throw bad(
      'level',
      'level must be store, region, format or chain',
      '层级须为 store、region、format 或 chain',
    );
  if (t.period_end < t.period_start)
    throw bad('period_end', 'the period ends before it starts', '期间结束早于开始');
  if (Number(t.value) < 0) throw bad('value', 'a target is not negative', '目标不能为负');
}

/**
 * The store-days of a target with their weights: last year's value of the like day, or for a store target of a
 * store without last year, its format's average on those days; all equal where nothing is known.
 */
async function weights(
  warehouse: Warehouse,
  t: TargetRow,
): Promise<{ store: number; date: string; weight: number }[]> {
  const stores = {
    store: 'SELECT store_id FROM store WHERE code = $3',
    region: 'SELECT store_id FROM store WHERE region = $3',
    format: 'SELECT store_id FROM store WHERE format = $3',
    chain: 'SELECT store_id FROM store WHERE $3 IS NOT NULL',
  }[t.level as 'store' | 'region' | 'format' | 'chain'];
  const rows = await warehouse.query(
    `WITH days AS (
       SELECT date, is_holiday, holiday_name, spring_festival_offset AS sf, year FROM calendar
       WHERE date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)),
     hol AS (
       SELECT date, year, holiday_name, row_number() OVER (PARTITION BY year, holiday_name ORDER BY date) AS k
       FROM calendar WHERE is_holiday),
     ref AS (
       SELECT d.date, coalesce(
         CASE WHEN d.sf BETWEEN -21 AND 14 THEN (
           SELECT min(c.date) FROM calendar c
           WHERE c.spring_festival_offset = d.sf AND c.date BETWEEN d.date - 400 AND d.date - 300) END,
         CASE WHEN d.is_holiday THEN (
           SELECT min(h2.date) FROM hol h1 JOIN hol h2 ON h2.holiday_name = h1.holiday_name AND h2.k = h1.k
             AND h2.year = h1.year - 1
           WHERE h1.date = d.date) END,
         d.date - 364) AS ref
       FROM days d),
     chosen AS (SELECT s.store_id, s.format, s.open_date, s.close_date FROM store s WHERE s.store_id IN (${stores})),
     actual AS (${ACTUAL[t.kpi as TargetKpi]}),
     own AS (
       SELECT c.store_id, r.date, coalesce(a.v, 0) AS v FROM chosen c CROSS JOIN ref r
       LEFT JOIN actual a ON a.store_id = c.store_id AND a.date = r.ref
       WHERE r.date >= c.open_date AND (c.close_date IS NULL OR r.date < c.close_date)),
     formats AS (
       SELECT s.format, r.date, avg(coalesce(a.v, 0)) AS v FROM ref r CROSS JOIN store s
       JOIN actual a ON a.store_id = s.store_id AND a.date = r.ref GROUP BY 1, 2)
     SELECT o.store_id, CAST(o.date AS VARCHAR) AS date, CAST(o.v AS DOUBLE) AS own,
            CAST(coalesce(f.v, 0) AS DOUBLE) AS format_curve
     FROM own o JOIN chosen c USING (store_id) LEFT JOIN formats f ON f.format = c.format AND f.date = o.date
     ORDER BY o.store_id, o.date`,
    [t.period_start, t.period_end, t.code],
  );
  if (!rows.length)
    throw new ZhongtaiError(
      'BAD_REQUEST',
      {
        en: `target ${describe(t)}: no open store matches ${t.level} "${t.code}"`,
        zh: `目标 ${describe(t)}：没有匹配 ${t.level}「${t.code}」的营业门店`,
      },
      { field: 'code' },
    );
  const parts = rows.map((r) => ({
    store: Number(r.store_id),
    date: String(r.date).slice(0, 10),
    own: Math.max(0, Number(r.own)),
    curve: Math.max(0, Number(r.format_curve)),
  }));
  const total = parts.reduce((s, p) => s + p.own, 0);
  if (total > 0) return parts.map((p) => ({ store: p.store, date: p.date, weight: p.own }));
  // Nothing last year: a store target follows its format's curve; a group's, or with no curve either, flat.
  const curve = parts.reduce((s, p) => s + p.curve, 0);
  return parts.map((p) => ({ store: p.store, date: p.date, weight: curve > 0 ? p.curve : 1 }));
}

/** Whole fen in proportion to the weights, the remainder to the largest fractions: the parts add up exactly. */
export function allocate(fen: number, weights: number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  if (!weights.length) return [];
  const exact = weights.map((w) => (total > 0 ? (fen * w) / total : fen / weights.length));
  const floors = exact.map(Math.floor);
  let left = fen - floors.reduce((s, f) => s + f, 0);
  const order = exact
    .map((e, i) => [e - Math.floor(e), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    floors[i] = (floors[i] as number) + 1;
    left -= 1;
  }
  return floors;
}
