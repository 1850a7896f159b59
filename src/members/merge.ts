import type { Queryable } from '../appstore/index.js';
import type { MemberGeneration } from '../contract/index.js';
import { ZhongtaiError } from '../model/index.js';
import { type MemberRow, raiseGeneration } from './identity.js';
import { emit } from './once.js';
import { transferPoints } from './points.js';
import { TX_NOW } from './schema.js';
import { transferWallet } from './wallet.js';

export interface Merged {
  /** The merge's number: undoing it names it. */
  merge: number;
  /** What moved from the member merged away. */
  moved: { wallet: string; points: number; externalIds: number; memberships: number };
}

const lockBoth = (tx: Queryable, a: MemberRow, b: MemberRow) =>
  tx.query('SELECT id FROM member WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE', [
    [a.id, b.id],
  ]);

/** The newest journal and points entries of a member: a merge notes them, and any later one settles it. */
async function lastEntries(tx: Queryable, member: MemberRow): Promise<{ journal: string; points: string }> {
  const [row] = await tx.query<{ journal: string; points: string }>(
    `SELECT (SELECT coalesce(max(id), 0) FROM journal_entry WHERE member_id = $1) AS journal,
            (SELECT coalesce(max(id), 0) FROM points_entry WHERE member_id = $1) AS points`,
    [member.id],
  );
  return { journal: String(row?.journal ?? 0), points: String(row?.points ?? 0) };
}

/**
 * Two records of one person made one (合并会员): the wallet and points of `from` move to `into` by pairs of
 * entries, its external ids and paid periods move, and `from` answers as `into` from then on (its code and
 * phone number find `into`). Both members are locked, the lower id first. What moved is remembered, so the
 * merge can be undone until `into` moves again.
 */
export async function mergeMembers(
  tx: Queryable,
  from: MemberRow,
  into: MemberRow,
  today: string,
  by: string,
): Promise<Merged> {
  if (from.id === into.id)
    throw new ZhongtaiError(
      'BAD_REQUEST',
      {
        en: `${from.code} is ${into.code}: nothing to merge`,
        zh: `${from.code} 与 ${into.code} 是同一会员，无需合并`,
      },
      { field: 'from' },
    );
  await lockBoth(tx, from, into);
  const periods = await tx.query<{ member_id: string }>(
    'SELECT member_id FROM membership WHERE member_id = ANY($1::bigint[]) AND refunded IS NULL AND ends_on >= $2',
    [[from.id, into.id], today],
  );
  const paid = new Set(periods.map((p) => String(p.member_id)));
  if (paid.has(String(from.id)) && paid.has(String(into.id)))
    throw new ZhongtaiError(
      'CONFLICT',
      {
        en: `${from.code} and ${into.code} both hold paid membership: refund one first`,
        zh: `${from.code} 与 ${into.code} 均为付费会员，请先退掉其中一个`,
      },
      { field: 'from' },
    );
  const generation = into.generation;
  const wallet = await transferWallet(tx, from, into);
  const points = await transferPoints(tx, from, into, today);
  const ids = await tx.query<{ kind: string; value: string }>(
    'UPDATE member_external_id SET member_id = $2 WHERE member_id = $1 RETURNING kind, value',
    [from.id, into.id],
  );
  const memberships = await tx.query<{ id: string }>(
    'UPDATE membership SET member_id = $2 WHERE member_id = $1 AND refunded IS NULL AND ends_on >= $3 RETURNING id',
    [from.id, into.id, today],
  );
  await tx.query('UPDATE member SET merged_into = $2 WHERE id = $1', [from.id, into.id]);
  await raiseGeneration(tx, into, from.generation);
  const last = await lastEntries(tx, into);
  const [made] = await tx.query<{ id: string }>(
    `INSERT INTO member_merge (from_id, into_id, principal, bonus, points, lots, external_ids, memberships,
       into_generation, last_journal, last_points, merged_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [
      from.id,
      into.id,
      wallet?.principal ?? 0,
      wallet?.bonus ?? 0,
      points.points,
      points.lots,
      JSON.stringify(ids),
      memberships.map((m) => m.id),
      generation,
      last.journal,
      last.points,
      by,
    ],
  );
  const merge = Number(made?.id);
  await emit(tx, 'member.merged', { member: into.code, from: from.code, merge });
  return {
    merge,
    moved: {
      wallet: wallet?.entry.amount ?? '0.00',
      points: points.points,
      externalIds: ids.length,
      memberships: memberships.length,
    },
  };
}

interface MergeRow extends Record<string, unknown> {
  id: string;
  from_id: string;
  into_id: string;
  principal: string;
  bonus: string;
  points: number;
  lots: string[];
  external_ids: { kind: string; value: string }[];
  memberships: string[];
  into_generation: MemberGeneration;
  last_journal: string;
  last_points: string;
  undone_at: Date | string | null;
}

const unsettled = (en: string, zh: string) =>
  new ZhongtaiError(
    'CONFLICT',
    { en: `The merge can no longer be undone: ${en}`, zh: `该合并已无法撤销：${zh}` },
    { field: 'from' },
  );

/**
 * A merge undone (撤销合并): `from` stands on its own again with what it brought — wallet, points lots,
 * external ids, paid periods — and `into` returns to its generation before. Only while the merge is
 * unsettled: no journal or points entry of `into` since (no payment, earning, redemption, paid membership
 * bought, refunded or run out) and no other member merged into it,
 * so what came in is still there as it came and giving it back takes nothing the member has used.
 */
export async function undoMerge(
  tx: Queryable,
  from: MemberRow,
  into: MemberRow,
  today: string,
  by: string,
): Promise<{ merge: number; returned: Merged['moved'] }> {
  await lockBoth(tx, from, into);
  const [merge] = await tx.query<MergeRow>(
    'SELECT * FROM member_merge WHERE from_id = $1 ORDER BY id DESC LIMIT 1',
    [from.id],
  );
  if (!merge || String(from.merged_into) !== String(into.id) || merge.undone_at)
    throw new ZhongtaiError(
      'CONFLICT',
      {
        en: `${from.code} is not merged into ${into.code}`,
        zh: `会员 ${from.code} 并未合并到 ${into.code}`,
      },
      { field: 'from' },
    );
  if (into.merged_into) throw unsettled(`${into.code} was itself merged since`, `${into.code} 其后已被合并`);
  const last = await lastEntries(tx, into);
  if (last.journal !== String(merge.last_journal))
    throw unsettled(`${into.code}'s wallet moved since`, `${into.code} 的储值其后已有变动`);
  if (last.points !== String(merge.last_points))
    throw unsettled(`${into.code}'s points moved since`, `${into.code} 的积分其后已有变动`);
  // Buying, refunding or ending paid membership writes a journal entry too; a later merge may move nothing.
  const [later] = await tx.query(
    'SELECT id FROM member_merge WHERE into_id = $1 AND id > $2 AND undone_at IS NULL LIMIT 1',
    [into.id, merge.id],
  );
  if (later)
    throw unsettled(`another member was merged into ${into.code} since`, `其后又有会员合并到 ${into.code}`);
  const reference = `undo merge ${from.code} → ${into.code}`;
  const wallet = await transferWallet(
    tx,
    into,
    from,
    { principal: Number(merge.principal), bonus: Number(merge.bonus) },
    reference,
  );
  const points = merge.lots.length
    ? await transferPoints(tx, into, from, today, merge.lots.map(String), reference)
    : { points: 0, lots: [] };
  for (const id of merge.external_ids)
    await tx.query(
      'UPDATE member_external_id SET member_id = $3 WHERE kind = $1 AND value = $2 AND member_id = $4',
      [id.kind, id.value, from.id, into.id],
    );
  await tx.query('UPDATE membership SET member_id = $2 WHERE id = ANY($1::bigint[]) AND member_id = $3', [
    merge.memberships,
    from.id,
    into.id,
  ]);
  await tx.query('UPDATE member SET merged_into = NULL WHERE id = $1', [from.id]);
  if (into.generation !== merge.into_generation) {
    await tx.query(`UPDATE member SET generation = $2, generation_since = ${TX_NOW} WHERE id = $1`, [
      into.id,
      merge.into_generation,
    ]);
    await emit(tx, 'member.generation', {
      member: into.code,
      from: into.generation,
      to: merge.into_generation,
    });
    into.generation = merge.into_generation;
  }
  await tx.query(`UPDATE member_merge SET undone_by = $2, undone_at = ${TX_NOW} WHERE id = $1`, [
    merge.id,
    by,
  ]);
  await emit(tx, 'member.unmerged', { member: into.code, from: from.code, merge: Number(merge.id) });
  return {
    merge: Number(merge.id),
    returned: {
      wallet: wallet?.entry.amount ?? '0.00',
      points: points.points,
      externalIds: merge.external_ids.length,
      memberships: merge.memberships.length,
    },
  };
}
