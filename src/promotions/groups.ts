import type { Queryable } from '../appstore/index.js';
import { type GroupBuy, type GroupDealInput, groupDealSchema } from '../contract/index.js';
import { toFen, yuan } from '../members/index.js';
import { ZhongtaiError } from '../model/index.js';

/**
 * Group buying (拼团). A member opens a group of a deal and pays the group price; others join until it is full.
 * Joining takes a place on the group's row with a WHERE that keeps `joined` within `size` (the CHECK besides),
 * so when the N-th and (N+1)-th member join at the same moment exactly one gets the last place. The join that
 * fills the group confirms every member's order; a group that runs out of time fails and refunds them all.
 */
export async function saveGroupDeal(tx: Queryable, input: GroupDealInput) {
  const deal = groupDealSchema.parse(input);
  toFen(deal.price, 'price');
  await tx.query(
    `INSERT INTO group_deal (id, definition) VALUES ($1, $2)
     ON CONFLICT (id) DO UPDATE SET definition = excluded.definition`,
    [deal.id, JSON.stringify(deal)],
  );
  return deal;
}

/** Every group deal with how many of its groups are open, filled and failed. */
export async function listGroupDeals(tx: Queryable) {
  const rows = await tx.query<{
    definition: GroupDealInput;
    open: string;
    succeeded: string;
    failed: string;
  }>(
    `SELECT d.definition,
       count(*) FILTER (WHERE g.state = 'open') AS open,
       count(*) FILTER (WHERE g.state = 'succeeded') AS succeeded,
       count(*) FILTER (WHERE g.state = 'failed') AS failed
     FROM group_deal d LEFT JOIN group_buy g ON g.deal_id = d.id GROUP BY d.id, d.definition ORDER BY d.id`,
  );
  return rows.map((r) => ({
    deal: groupDealSchema.parse(r.definition),
    open: Number(r.open),
    succeeded: Number(r.succeeded),
    failed: Number(r.failed),
  }));
}

export async function groupOf(tx: Queryable, id: number): Promise<GroupBuy> {
  const [g] = await tx.query<{
    id: string;
    deal_id: string;
    size: number;
    joined: number;
    state: GroupBuy['state'];
    expires_at: Date | string;
  }>('SELECT * FROM group_buy WHERE id = $1', [id]);
  if (!g)
    throw new ZhongtaiError(
      'NOT_FOUND',
      { en: `No group ${id}`, zh: `拼团 ${id} 不存在` },
      { field: 'group' },
    );
  const members = await tx.query<{
    member_code: string;
    amount: string;
    state: 'paid' | 'confirmed' | 'refunded';
  }>('SELECT member_code, amount, state FROM group_member WHERE group_id = $1 ORDER BY at, member_code', [
    id,
  ]);
  return {
    group: Number(g.id),
    deal: g.deal_id,
    size: g.size,
    joined: g.joined,
    state: g.state,
    expiresAt: new Date(g.expires_at).toISOString(),
    members: members.map((m) => ({ member: m.member_code, amount: yuan(m.amount), state: m.state })),
  };
}

/** Opens a group of a deal, its first member (团长) paying the group price. */
export async function openGroup(tx: Queryable, dealId: string, member: string, now: Date): Promise<GroupBuy> {
  const [deal] = await tx.query<{ definition: { size: number; hours: number; price: string } }>(
    'SELECT definition FROM group_deal WHERE id = $1',
    [dealId],
  );
  if (!deal)
    throw new ZhongtaiError(
      'NOT_FOUND',
      { en: `No group deal ${dealId}`, zh: `拼团活动 ${dealId} 不存在` },
      { field: 'deal' },
    );
  const [made] = await tx.query<{ id: string }>(
    'INSERT INTO group_buy (deal_id, size, expires_at) VALUES ($1, $2, $3) RETURNING id',
    [dealId, deal.definition.size, new Date(now.getTime() + deal.definition.hours * 3_600_000).toISOString()],
  );
  return joinGroup(tx, Number(made?.id), member, now);
}

/** Joins a group: one place taken on its row, the member's payment kept; the join that fills it confirms all. */
export async function joinGroup(tx: Queryable, group: number, member: string, now: Date): Promise<GroupBuy> {
  const [row] = await tx.query<{ joined: number; size: number; price: string; why: string | null }>(
    `WITH g AS (SELECT * FROM group_buy WHERE id = $1),
     taken AS (
       UPDATE group_buy SET joined = joined + 1,
         state = CASE WHEN joined + 1 = size THEN 'succeeded' ELSE state END
       WHERE id = $1 AND state = 'open' AND joined < size AND expires_at > $2
       RETURNING joined, size, deal_id)
     SELECT t.joined, t.size, (SELECT definition->>'price' FROM group_deal d WHERE d.id = t.deal_id) AS price,
       CASE WHEN NOT EXISTS (SELECT 1 FROM g) THEN 'unknown'
            WHEN NOT EXISTS (SELECT 1 FROM taken) THEN (SELECT CASE WHEN joined < size AND (state <> 'open' OR expires_at <= $2)
              THEN 'closed' ELSE 'full' END FROM g) END AS why
     FROM (SELECT 1) one LEFT JOIN taken t ON true`,
    [group, now.toISOString()],
  );
  if (row?.why === 'unknown')
    throw new ZhongtaiError(
      'NOT_FOUND',
      { en: `No group ${group}`, zh: `拼团 ${group} 不存在` },
      { field: 'group' },
    );
  if (row?.why)
    throw new ZhongtaiError(
      'CONFLICT',
      row.why === 'full'
        ? { en: `Group ${group} is full`, zh: `拼团 ${group} 已满` }
        : { en: `Group ${group} is over`, zh: `拼团 ${group} 已结束` },
      { field: 'group' },
    );
  await tx
    .query('INSERT INTO group_member (group_id, member_code, amount) VALUES ($1, $2, $3)', [
      group,
      member,
      toFen(row?.price, 'price'),
    ])
    .catch((error: unknown) => {
      // The place taken above rolls back with this error.
      if ((error as { code?: string }).code === '23505')
        throw new ZhongtaiError(
          'CONFLICT',
          { en: `Member ${member} is in group ${group} already`, zh: `会员 ${member} 已在拼团 ${group} 中` },
          { field: 'member' },
        );
      throw error;
    });
  if (row?.joined === row?.size)
    await tx.query("UPDATE group_member SET state = 'confirmed' WHERE group_id = $1", [group]);
  return groupOf(tx, group);
}

/** Groups past their time, not full: failed, every member refunded. */
export async function failExpiredGroups(tx: Queryable, now: Date): Promise<number> {
  const [row] = await tx.query<{ n: string }>(
    `WITH failed AS (
       UPDATE group_buy SET state = 'failed' WHERE state = 'open' AND expires_at <= $1 RETURNING id),
     refunded AS (
       UPDATE group_member SET state = 'refunded' WHERE group_id IN (SELECT id FROM failed) RETURNING 1)
     SELECT count(*) AS n FROM failed`,
    [now.toISOString()],
  );
  return Number(row?.n ?? 0);
}
