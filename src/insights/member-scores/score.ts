import type { Label } from '../../contract/index.js';
import { insertRows, type Warehouse } from '../../warehouse/index.js';
import { customerValue, memberPurchases } from '../clv/index.js';
import { lastSalesDay } from '../forecast/index.js';
import { memberRfm } from '../rfm/index.js';

/**
 * Every member's scores as of a day, written to member_score for the BI: the RFM segment (a dimension any sales
 * KPI can be cut by), and the lifetime-value model's outlook for the next year, banded. Run after each night's
 * loads (zhongtai members score) and when the demo is built.
 */
export type ClvBand = 'high' | 'medium' | 'low';

export const CLV_BANDS: Record<ClvBand, Label> = {
  high: { zh: '高价值（前 20%）', en: 'High (top 20%)' },
  medium: { zh: '中价值（20–50%）', en: 'Medium (20–50%)' },
  low: { zh: '低价值（后 50%）', en: 'Low (bottom 50%)' },
};

export interface ScoreOptions {
  date?: string;
  /** Orders of these days before the date count for RFM. */
  windowDays?: number;
  /** Days ahead the lifetime value covers. */
  horizonDays?: number;
}

export interface ScoreSummary {
  asOf: string;
  members: number;
  /** Members with a lifetime value (the model needs a few hundred buyers to fit; fewer: none). */
  valued: number;
  seconds: number;
}

/** Fewer buyers than this and the purchase model is not fitted: its parameters would be noise. */
const MIN_BUYERS_FOR_CLV = 200;

export async function scoreMembers(warehouse: Warehouse, options: ScoreOptions = {}): Promise<ScoreSummary> {
  const started = Date.now();
  const asOf = options.date ?? (await lastSalesDay(warehouse));
  const rfm = await memberRfm(warehouse, asOf, options.windowDays ?? 365);
  const purchases = await memberPurchases(warehouse, asOf);
  const buyers = new Set(purchases.map((p) => p.customer)).size;
  const clv =
    buyers >= MIN_BUYERS_FOR_CLV ? customerValue(purchases, asOf, options.horizonDays ?? 365).members : [];
  // Both name members by their member-center code where they have one: back to the warehouse's ids.
  const known = await warehouse.query(
    `SELECT member_id, coalesce(member_code, CAST(member_id AS VARCHAR)) AS name, home_store_id FROM member`,
  );
  const byName = new Map(known.map((m) => [String(m.name), m]));
  const idOf = (name: string) => {
    const row = byName.get(name);
    if (row)
      return {
        id: Number(row.member_id),
        store: row.home_store_id === null ? null : Number(row.home_store_id),
      };
    return /^\d+$/.test(name) ? { id: Number(name), store: null } : null;
  };
  const ranked = [...clv].sort((a, b) => b.expectedValue - a.expectedValue);
  const bandOf = new Map(
    ranked.map((m, i) => [
      m.member,
      (i < ranked.length * 0.2 ? 'high' : i < ranked.length * 0.5 ? 'medium' : 'low') as ClvBand,
    ]),
  );
  const rows = new Map<number, Record<string, string | number | null>>();
  const rowOf = (name: string) => {
    const member = idOf(name);
    if (!member) return null;
    const row = rows.get(member.id) ?? {
      member_id: member.id,
      as_of: asOf,
      home_store_id: member.store,
      recency_days: null,
      frequency: 0,
      monetary: '0.00',
      rfm_segment: null,
      p_alive: null,
      expected_purchases: null,
      expected_value: null,
      clv_band: null,
    };
    rows.set(member.id, row);
    return row;
  };
  for (const m of rfm) {
    const row = rowOf(m.member);
    if (!row) continue;
    row.recency_days = m.recencyDays;
    row.frequency = m.frequency;
    row.monetary = m.monetary.toFixed(2);
    row.rfm_segment = m.segment;
  }
  for (const m of clv) {
    const row = rowOf(m.member);
    if (!row) continue;
    row.p_alive = m.pAlive;
    row.expected_purchases = m.expectedPurchases;
    row.expected_value = m.expectedValue.toFixed(2);
    row.clv_band = bandOf.get(m.member) ?? null;
  }
  await warehouse.transaction(async () => {
    await warehouse.run('DELETE FROM member_score');
    await insertRows(warehouse, 'member_score', [...rows.values()], 2_000);
  });
  return { asOf, members: rows.size, valued: clv.length, seconds: (Date.now() - started) / 1000 };
}
