import { type AppStore, runEvery } from '../appstore/index.js';
import { pushBatch, specOf } from '../ingest/index.js';
import { addDays, chainLocal } from '../model/index.js';
import type { Warehouse } from '../warehouse/index.js';
import { yuan } from './money.js';
import { MEMBER_TOPICS, relayMembers } from './relay-members.js';

const RELAYED_TOPICS = new Set(['wallet.entry', 'points.entry', ...Object.keys(MEMBER_TOPICS)]);

/**
 * The member center's outbox into the warehouse, exactly once: a batch of outbox rows is loaded through the
 * ingest path (checked, atomic, keyed by the entry's id) and then marked relayed. A crash between the two
 * sends the batch again, and the warehouse keeps the first copy of every entry: nothing lost, nothing doubled.
 */
const LOCAL = 'Asia/Shanghai';
const money = (from: string) => ({ from, type: 'number' as const });
const common = {
  entry_id: { from: 'entry', type: 'int' },
  member_code: { from: 'member' },
  date: { from: 'day', type: 'date' },
  ts: { from: 'time', type: 'timestamp' },
  kind: { from: 'kind' },
  store_id: { from: 'store', type: 'int' },
};

const WALLET = specOf('member_wallet', {
  source: 'member_wallet',
  timezone: LOCAL,
  files: [
    {
      match: 'push-member_wallet.jsonl',
      format: 'jsonl',
      targets: [
        {
          table: 'wallet_entry',
          columns: {
            ...common,
            principal: money('principal'),
            bonus: money('bonus'),
            principal_after: money('principalAfter'),
            bonus_after: money('bonusAfter'),
          },
        },
      ],
    },
  ],
});

const POINTS = specOf('member_points', {
  source: 'member_points',
  timezone: LOCAL,
  files: [
    {
      match: 'push-member_points.jsonl',
      format: 'jsonl',
      targets: [
        {
          table: 'points_entry',
          columns: {
            ...common,
            points: { from: 'points', type: 'int' },
            balance_after: { from: 'balance', type: 'int' },
          },
        },
      ],
    },
  ],
});

const MEMBERSHIP = specOf('member_membership', {
  source: 'member_membership',
  timezone: LOCAL,
  files: [
    {
      match: 'push-member_membership.jsonl',
      format: 'jsonl',
      targets: [
        {
          table: 'paid_member_change',
          // A refund relayed later replaces the period's rows.
          onConflict: 'update',
          columns: {
            membership_id: { from: 'id', type: 'int' },
            change: { from: 'change' },
            member_code: { from: 'member' },
            date: { from: 'day', type: 'date' },
            store_id: { from: 'store', type: 'int' },
            plan: { from: 'plan' },
            members: { from: 'members', type: 'int' },
            renewals: { from: 'renewals', type: 'int' },
            amount: money('amount'),
          },
        },
      ],
    },
  ],
});

interface Period {
  id: number;
  member: string;
  store: number | null;
  plan: string;
  boughtAt: string;
  startsOn: string;
  endsOn: string;
  endedOn: string | null;
  price: number;
  refunded: number;
  renewal?: boolean;
}

/** A period as three changes: +1 member on its first day, −1 the day after its last, and its sale. */
function periodChanges(p: Period): Record<string, unknown>[] {
  const last = p.endedOn ?? p.endsOn;
  const runs = last >= p.startsOn ? 1 : 0;
  const common = { id: p.id, member: p.member, store: p.store, plan: p.plan };
  return [
    { ...common, change: 'start', day: p.startsOn, members: runs, amount: '0' },
    { ...common, change: 'end', day: addDays(last, 1), members: -runs, amount: '0' },
    {
      ...common,
      change: 'sale',
      day: chainLocal(p.boughtAt).day,
      members: 0,
      renewals: p.renewal ? 1 : 0,
      amount: yuan(p.price - p.refunded),
    },
  ];
}

interface OutboxRow extends Record<string, unknown> {
  id: string;
  topic: string;
  at: Date | string;
  payload: Record<string, unknown> & { at: string; after?: { principal: string; bonus: string } };
}

export interface RelayResult {
  relayed: number;
  wallet: number;
  points: number;
  /** Paid periods relayed (bought, refunded or run out). */
  memberships: number;
  /** Members written into the warehouse's member table (registered, merged, changed generation). */
  members: number;
  /** Changes the warehouse keeps no row of (links, grades): marked relayed, kept in the outbox. */
  kept: number;
}

/** Relays what the outbox holds, a batch at a time, until it is empty. */
export async function relayOutbox(
  store: AppStore,
  warehouse: Warehouse,
  batch = 5_000,
): Promise<RelayResult> {
  const total: RelayResult = { relayed: 0, wallet: 0, points: 0, memberships: 0, members: 0, kept: 0 };
  for (;;) {
    const rows = await store.query<OutboxRow>(
      'SELECT id, topic, at, payload FROM member_outbox WHERE relayed_at IS NULL ORDER BY id LIMIT $1',
      [batch],
    );
    if (!rows.length) return total;
    const wallet = rows.filter((r) => r.topic === 'wallet.entry');
    const points = rows.filter((r) => r.topic === 'points.entry');
    const periodRows = rows.filter((r) => r.topic === 'membership.period');
    // A period relayed twice in one batch (bought, then refunded): its last state.
    const periods = [
      ...new Map(
        periodRows.map((r) => [(r.payload as unknown as Period).id, r.payload as unknown as Period]),
      ).values(),
    ];
    const key = `outbox:${rows[0]?.id}-${rows[rows.length - 1]?.id}`;
    if (wallet.length)
      await pushBatch(
        warehouse,
        WALLET,
        wallet
          .map(({ payload: p }) =>
            JSON.stringify({
              ...p,
              ...chainLocal(p.at),
              principalAfter: p.after?.principal,
              bonusAfter: p.after?.bonus,
            }),
          )
          .join('\n'),
        key,
      );
    if (points.length)
      await pushBatch(
        warehouse,
        POINTS,
        points.map(({ payload: p }) => JSON.stringify({ ...p, ...chainLocal(p.at) })).join('\n'),
        key,
      );
    if (periods.length)
      await pushBatch(
        warehouse,
        MEMBERSHIP,
        periods
          .flatMap(periodChanges)
          .map((r) => JSON.stringify(r))
          .join('\n'),
        key,
      );
    const members = await relayMembers(store, warehouse, rows, key);
    await store.query('UPDATE member_outbox SET relayed_at = now() WHERE id = ANY($1::bigint[])', [
      rows.map((r) => r.id),
    ]);
    total.relayed += rows.length;
    total.wallet += wallet.length;
    total.points += points.length;
    total.memberships += periods.length;
    total.members += members;
    total.kept += rows.filter((r) => !RELAYED_TOPICS.has(r.topic)).length;
  }
}

/** Relays in the background every `everyMs` (the server); the returned stop waits for a relay under way. */
export const startRelay = (store: AppStore, warehouse: Warehouse, everyMs: number): (() => Promise<void>) =>
  // A relay that failed (the warehouse busy, a row refused) leaves its rows waiting for the next turn.
  runEvery('member outbox relay', everyMs, () => relayOutbox(store, warehouse));
