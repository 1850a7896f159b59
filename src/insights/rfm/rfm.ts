import type { Label } from '../../contract/index.js';
import { ZhongtaiError } from '../../model/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { homeStoreCondition } from '../home-stores.js';

/**
 * RFM (最近一次消费、消费频次、消费金额) per member at a date, over a window of days before it: days since the last
 * completed order (R), orders (F) and net spend (M); each scored 1–5 by quintiles (5 best: most recent, most
 * frequent, most spent), and each member put in one of the eight classic segments by whether each measure is
 * better than the members' average (R: fewer days than average since the last order).
 */
export interface MemberRfm {
  member: string;
  recencyDays: number;
  frequency: number;
  monetary: number;
  r: number;
  f: number;
  m: number;
  segment: SegmentId;
}

export type SegmentId =
  | 'important_value'
  | 'important_develop'
  | 'important_keep'
  | 'important_win_back'
  | 'general_value'
  | 'general_develop'
  | 'general_keep'
  | 'general_win_back';

/** The eight segments by (R above average, F above average, M above average). */
export const SEGMENTS: Record<SegmentId, Label & { r: boolean; f: boolean; m: boolean }> = {
  important_value: { zh: '重要价值客户', en: 'Champions', r: true, f: true, m: true },
  important_develop: { zh: '重要发展客户', en: 'Big spenders to develop', r: true, f: false, m: true },
  important_keep: { zh: '重要保持客户', en: 'Loyal, slipping', r: false, f: true, m: true },
  important_win_back: { zh: '重要挽留客户', en: 'Big spenders to win back', r: false, f: false, m: true },
  general_value: { zh: '一般价值客户', en: 'Frequent, small baskets', r: true, f: true, m: false },
  general_develop: { zh: '一般发展客户', en: 'New or occasional', r: true, f: false, m: false },
  general_keep: { zh: '一般保持客户', en: 'Frequent, slipping', r: false, f: true, m: false },
  general_win_back: { zh: '一般挽留客户', en: 'Lapsing', r: false, f: false, m: false },
};

export function segmentOf(r: boolean, f: boolean, m: boolean): SegmentId {
  const found = (Object.entries(SEGMENTS) as [SegmentId, (typeof SEGMENTS)[SegmentId]][]).find(
    ([, s]) => s.r === r && s.f === f && s.m === m,
  );
  return (found as [SegmentId, unknown])[0];
}

const dateOf = (text: string, field: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text)))
    throw new ZhongtaiError(
      'BAD_REQUEST',
      { en: `${field}: not a date YYYY-MM-DD: ${text}`, zh: `${field} 不是 YYYY-MM-DD 日期：${text}` },
      { field },
    );
  return text;
};

/**
 * Breaks a chain sets itself instead of quintiles: four ascending values per measure. Recency in days (within the
 * first break scores 5 … past the last 1), frequency in orders and money in yuan (below the first 1 … from the
 * last on 5).
 */
export interface RfmBreaks {
  r?: number[];
  f?: number[];
  m?: number[];
}

function checkBreaks(breaks: RfmBreaks): void {
  for (const [name, values] of Object.entries(breaks) as [string, number[] | undefined][]) {
    if (!values) continue;
    const ascending = values.every(
      (v, i) => Number.isFinite(v) && (i === 0 || v > (values[i - 1] as number)),
    );
    if (values.length !== 4 || !ascending)
      throw new ZhongtaiError(
        'BAD_REQUEST',
        {
          en: `${name} breaks: four ascending numbers, e.g. 7,30,90,180 (got ${values.join(',')})`,
          zh: `${name} 分档：四个递增的数，如 7,30,90,180（收到 ${values.join(',')}）`,
        },
        { field: `${name}Breaks` },
      );
  }
}

/** A score 1–5 by breaks: how many breaks the value reaches (recency: how many it is within, lower being better). */
const byBreaks = (value: number, breaks: number[], lowerIsBetter: boolean) =>
  lowerIsBetter ? 5 - breaks.filter((b) => value > b).length : 1 + breaks.filter((b) => value >= b).length;

/** Every member with a completed order in the `windowDays` to `date` (inclusive), scored and segmented. */
export async function memberRfm(
  warehouse: Warehouse,
  date: string,
  windowDays = 365,
  options: { breaks?: RfmBreaks; stores?: number[] | null } = {},
): Promise<MemberRfm[]> {
  dateOf(date, 'date');
  const breaks = options.breaks ?? {};
  checkBreaks(breaks);
  // A store's managers: their stores' members (by home store), scored among themselves.
  const own = options.stores
    ? `AND o.member_id IN (SELECT member_id FROM member WHERE ${homeStoreCondition(options.stores, 'home_store_id')})`
    : '';
  if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 3_660)
    throw new ZhongtaiError(
      'BAD_REQUEST',
      { en: 'window: 1 to 3660 days', zh: '窗口：1 至 3660 天' },
      { field: 'windowDays' },
    );
  // Quintiles by rank, ties broken by member id so the same data always scores alike.
  const rows = await warehouse.query(
    `WITH per AS (
       SELECT o.member_id, coalesce(max(m.member_code), CAST(o.member_id AS VARCHAR)) AS member,
              date_diff('day', max(o.date), CAST($1 AS DATE)) AS recency_days,
              count(*) AS frequency, CAST(sum(o.net) AS DOUBLE) AS monetary
       FROM member_orders o LEFT JOIN member m ON m.member_id = o.member_id
       WHERE o.member_id IS NOT NULL AND o.status = 'completed'
         AND o.date > CAST($1 AS DATE) - CAST($2 AS INTEGER) AND o.date <= CAST($1 AS DATE) ${own}
       GROUP BY o.member_id),
     avg AS (SELECT avg(recency_days) AS r, avg(frequency) AS f, avg(monetary) AS m FROM per)
     SELECT member, recency_days, frequency, monetary,
            ntile(5) OVER (ORDER BY recency_days DESC, member_id) AS r,
            ntile(5) OVER (ORDER BY frequency, member_id) AS f,
            ntile(5) OVER (ORDER BY monetary, member_id) AS m,
            recency_days < avg.r AS r_high, frequency > avg.f AS f_high, monetary > avg.m AS m_high
     FROM per, avg ORDER BY member_id`,
    [date, windowDays],
  );
  return rows.map((row) => ({
    member: String(row.member),
    recencyDays: Number(row.recency_days),
    frequency: Number(row.frequency),
    monetary: Math.round(Number(row.monetary) * 100) / 100,
    r: breaks.r ? byBreaks(Number(row.recency_days), breaks.r, true) : Number(row.r),
    f: breaks.f ? byBreaks(Number(row.frequency), breaks.f, false) : Number(row.f),
    m: breaks.m ? byBreaks(Number(row.monetary), breaks.m, false) : Number(row.m),
    segment: segmentOf(Boolean(row.r_high), Boolean(row.f_high), Boolean(row.m_high)),
  }));
}

/** How many members moved from each segment at `from` to each at `to` (新增: none at `from`, 流失: none at `to`). */
export function movement(before: MemberRfm[], after: MemberRfm[]): Map<string, number> {
  const was = new Map(before.map((m) => [m.member, m.segment]));
  const now = new Map(after.map((m) => [m.member, m.segment]));
  const moves = new Map<string, number>();
  const add = (from: string, to: string) => moves.set(`${from}>${to}`, (moves.get(`${from}>${to}`) ?? 0) + 1);
  for (const [member, segment] of now) add(was.get(member) ?? 'none', segment);
  for (const [member, segment] of was) if (!now.has(member)) add(segment, 'none');
  return moves;
}
