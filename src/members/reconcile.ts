import type { AppStore } from '../appstore/index.js';
import { chainToday } from '../model/index.js';
import type { Engine } from '../warehouse/index.js';
import { deferredRevenue } from './membership.js';
import { fenOf, yuan } from './money.js';

export interface Difference {
  member: string;
  ledger: string;
  warehouse: string;
}

export interface Reconciliation {
  /** Members standing on their own (not merged away), in the center and in the warehouse's member table. */
  members: { ledger: number; warehouse: number };
  /** Member codes on one side only, or merged on one side and not the other. */
  memberDifferences: string[];
  /** Membership fees sold and not yet earned at the start of today, in the ledger and in the warehouse. */
  deferredRevenue: { ledger: string; warehouse: string };
  /** Wallet balances (yuan) that differ between the ledger and the warehouse's wallet_entry. */
  wallet: Difference[];
  /** Points balances that differ between the ledger and the warehouse's points_entry. */
  points: Difference[];
  /** Members with a paid period covering today, in the ledger and as the warehouse sums its changes. */
  paidMembers: { ledger: number; warehouse: number };
  /** Outbox rows not yet relayed: the warehouse is behind by them. */
  waiting: number;
  /** The two sides' totals, yuan and points. */
  totals: { ledgerWallet: string; warehouseWallet: string; ledgerPoints: number; warehousePoints: number };
}

/**
 * The ledger against the warehouse, member by member (`zhongtai members reconcile`): every wallet's balance
 * and every points balance, as the member center holds them and as the warehouse sums its relayed entries.
 */
export async function reconcile(
  store: AppStore,
  warehouse: Engine,
  today = chainToday(),
): Promise<Reconciliation> {
  const [paidLedger] = await store.query<{ n: string }>(
    `SELECT count(DISTINCT member_id) AS n FROM membership
     WHERE starts_on <= $1 AND coalesce(ended_on, ends_on) >= $1`,
    [today],
  );
  const [paidKept] = await warehouse.query(
    'SELECT coalesce(sum(members), 0) AS n FROM paid_member_change WHERE date <= CAST($1 AS DATE)',
    [today],
  );
  const ledgerWallet = new Map(
    (
      await store.query<{ code: string; fen: string }>(
        'SELECT m.code, w.principal + w.bonus AS fen FROM wallet w JOIN member m ON m.id = w.member_id',
      )
    ).map((r) => [r.code, Number(r.fen)]),
  );
  const ledgerPoints = new Map(
    (
      await store.query<{ code: string; points: string }>(
        'SELECT m.code, sum(e.points) AS points FROM points_entry e JOIN member m ON m.id = e.member_id GROUP BY m.code',
      )
    ).map((r) => [r.code, Number(r.points)]),
  );
  const keptWallet = new Map(
    (
      await warehouse.query(
        'SELECT member_code, CAST(round(sum(principal + bonus) * 100) AS BIGINT) AS fen FROM wallet_entry GROUP BY member_code',
      )
    ).map((r) => [String(r.member_code), Number(r.fen)]),
  );
  const keptPoints = new Map(
    (
      await warehouse.query(
        'SELECT member_code, sum(points) AS points FROM points_entry GROUP BY member_code',
      )
    ).map((r) => [String(r.member_code), Number(r.points)]),
  );
  const compare = (ledger: Map<string, number>, kept: Map<string, number>, show: (n: number) => string) =>
    [...new Set([...ledger.keys(), ...kept.keys()])]
      .filter((member) => (ledger.get(member) ?? 0) !== (kept.get(member) ?? 0))
      .sort()
      .map((member) => ({
        member,
        ledger: show(ledger.get(member) ?? 0),
        warehouse: show(kept.get(member) ?? 0),
      }));
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const [waiting] = await store.query<{ n: string }>(
    'SELECT count(*) AS n FROM member_outbox WHERE relayed_at IS NULL',
  );
  const ledgerMembers = new Set(
    (await store.query<{ code: string }>('SELECT code FROM member WHERE merged_into IS NULL')).map(
      (r) => r.code,
    ),
  );
  const keptMembers = new Set(
    (
      await warehouse.query(
        'SELECT member_code FROM member WHERE member_code IS NOT NULL AND merged_into IS NULL',
      )
    ).map((r) => String(r.member_code)),
  );
  const [deferredKept] = await warehouse.query(
    `SELECT CAST(coalesce(sum(sold), 0) - coalesce(sum(earned) FILTER (WHERE date < CAST($1 AS DATE)), 0) AS VARCHAR) AS deferred
     FROM membership_revenue_day`,
    [today],
  );
  return {
    members: { ledger: ledgerMembers.size, warehouse: keptMembers.size },
    memberDifferences: [...ledgerMembers]
      .filter((c) => !keptMembers.has(c))
      .concat([...keptMembers].filter((c) => !ledgerMembers.has(c)))
      .sort(),
    deferredRevenue: {
      ledger: (await deferredRevenue(store, today)).deferred,
      warehouse: yuan(fenOf(String(deferredKept?.deferred ?? '0'))),
    },
    wallet: compare(ledgerWallet, keptWallet, yuan),
    points: compare(ledgerPoints, keptPoints, String),
    paidMembers: { ledger: Number(paidLedger?.n ?? 0), warehouse: Number(paidKept?.n ?? 0) },
    waiting: Number(waiting?.n ?? 0),
    totals: {
      ledgerWallet: yuan(sum(ledgerWallet)),
      warehouseWallet: yuan(sum(keptWallet)),
      ledgerPoints: sum(ledgerPoints),
      warehousePoints: sum(keptPoints),
    },
  };
}
