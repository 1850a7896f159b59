import type { AppStore } from '../appstore/index.js';
import { pushBatch, specOf } from '../ingest/index.js';
import { chainLocal } from '../model/index.js';
import type { Warehouse } from '../warehouse/index.js';

/**
 * The member center's members into the warehouse's `member` dimension and `member_event` fact. A member row
 * is written as the member is at relay time (an upsert by its warehouse id), so relaying a member twice, or
 * late, leaves the same row; events are kept by member, time and type, so they land once.
 */
const LOCAL = 'Asia/Shanghai';

const MEMBER = specOf('member_center', {
  source: 'member_center',
  timezone: LOCAL,
  files: [
    {
      match: 'push-member_center.jsonl',
      format: 'jsonl',
      targets: [
        {
          table: 'member',
          onConflict: 'update',
          columns: {
            member_id: { from: 'id', type: 'int' },
            registered_at: { from: 'registeredAt', type: 'timestamp' },
            registered_channel: { from: 'channel' },
            home_store_id: { from: 'store', type: 'int' },
            tier: { from: 'generation' },
            tier_since: { from: 'since', type: 'date' },
            paid_until: { from: 'paidUntil', type: 'date' },
            member_code: { from: 'code' },
            merged_into: { from: 'mergedInto', type: 'int' },
          },
        },
      ],
    },
  ],
});

const EVENT = specOf('member_center_event', {
  source: 'member_center_event',
  timezone: LOCAL,
  files: [
    {
      match: 'push-member_center_event.jsonl',
      format: 'jsonl',
      targets: [
        {
          table: 'member_event',
          columns: {
            member_id: { from: 'id', type: 'int' },
            ts: { from: 'time', type: 'timestamp' },
            date: { from: 'day', type: 'date' },
            type: { from: 'type' },
            store_id: { from: 'store', type: 'int' },
          },
        },
      ],
    },
  ],
});

/** The outbox topics that change what the warehouse holds of a member, and the members each names. */
export const MEMBER_TOPICS: Record<string, (p: Record<string, unknown>) => unknown[]> = {
  'member.registered': (p) => [p.member],
  'member.generation': (p) => [p.member],
  'member.merged': (p) => [p.member, p.from],
  'member.unmerged': (p) => [p.member, p.from],
  'membership.period': (p) => [p.member],
};

/** The events the warehouse keeps (member_event.type), as the demo chain's loaded events name them. */
function eventOf(topic: string, p: Record<string, unknown>): { type: string; member: string } | null {
  if (topic === 'member.registered') return { type: 'register', member: String(p.member) };
  if (topic === 'member.generation' && (p.to === 'wallet' || p.to === 'paid'))
    return { type: p.to === 'wallet' ? 'wallet_topup' : 'paid_join', member: String(p.member) };
  if (topic === 'member.merged') return { type: 'merge', member: String(p.from) };
  if (topic === 'member.unmerged') return { type: 'unmerge', member: String(p.from) };
  return null;
}

interface MemberState extends Record<string, unknown> {
  code: string;
  warehouse_id: string;
  registered_at: Date | string;
  channel: string;
  home_store: number | null;
  generation: string;
  generation_since: Date | string;
  merged_into: string | null;
  paid_until: string | Date | null;
}

const day = (d: string | Date | null) =>
  d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10);

export interface OutboxEntry {
  topic: string;
  at: Date | string;
  payload: Record<string, unknown>;
}

/** Members and events of one outbox batch into the warehouse; returns how many members were written. */
export async function relayMembers(
  store: AppStore,
  warehouse: Warehouse,
  rows: OutboxEntry[],
  key: string,
): Promise<number> {
  const codes = [...new Set(rows.flatMap((r) => MEMBER_TOPICS[r.topic]?.(r.payload) ?? []).map(String))];
  if (!codes.length) return 0;
  const members = await store.query<MemberState>(
    `SELECT m.code, m.warehouse_id, m.registered_at, m.channel, m.home_store, m.generation, m.generation_since,
            (SELECT i.warehouse_id FROM member i WHERE i.id = m.merged_into) AS merged_into,
            (SELECT max(coalesce(p.ended_on, p.ends_on)) FROM membership p WHERE p.member_id = m.id) AS paid_until
     FROM member m WHERE m.code = ANY($1::text[])`,
    [codes],
  );
  const ids = new Map(members.map((m) => [m.code, m.warehouse_id]));
  // A member the warehouse knew before the center (by card number) keeps where and when it joined the chain.
  const known = new Map(
    (
      await warehouse.query(
        `SELECT CAST(member_id AS VARCHAR) AS id, CAST(registered_at AS VARCHAR) AS registered_at,
                registered_channel, home_store_id
         FROM member WHERE member_id IN (SELECT CAST(unnest(string_split($1, ',')) AS BIGINT))`,
        [members.map((m) => m.warehouse_id).join(',')],
      )
    ).map((r) => [String(r.id), r]),
  );
  await pushBatch(
    warehouse,
    MEMBER,
    members
      .map((m) =>
        JSON.stringify({
          id: m.warehouse_id,
          code: m.code,
          registeredAt: known.get(String(m.warehouse_id))?.registered_at ?? chainLocal(m.registered_at).time,
          channel: known.get(String(m.warehouse_id))?.registered_channel ?? m.channel,
          store: known.get(String(m.warehouse_id))?.home_store_id ?? m.home_store,
          generation: m.generation,
          since: chainLocal(m.generation_since).day,
          paidUntil: day(m.paid_until),
          mergedInto: m.merged_into,
        }),
      )
      .join('\n'),
    key,
  );
  const events = rows.flatMap((r) => {
    const event = eventOf(r.topic, r.payload);
    const id = event && ids.get(event.member);
    if (!event || !id) return [];
    const at = chainLocal(event.type === 'register' ? String(r.payload.at) : r.at);
    const store = event.type === 'register' ? (r.payload.store ?? null) : null;
    return [JSON.stringify({ id, type: event.type, day: at.day, time: at.precise, store })];
  });
  if (events.length) await pushBatch(warehouse, EVENT, events.join('\n'), key);
  return members.length;
}
