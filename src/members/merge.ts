import type { Queryable } from '../appstore/index.js';
import { ZhongtaiError } from '../model/index.js';
import { type MemberRow, raiseGeneration } from './identity.js';
import { emit } from './once.js';
import { transferPoints } from './points.js';
import { transferWallet } from './wallet.js';

export interface Merged {
  /** What moved from the member merged away. */
  moved: { wallet: string; points: number; externalIds: number; memberships: number };
}

/**
 * Two records of one person made one (合并会员): the wallet and points of `from` move to `into` by pairs of
 * entries, its external ids and paid periods move, and `from` answers as `into` from then on (its code and
 * phone number find `into`). Both members are locked, the lower id first.
 */
export async function mergeMembers(
  tx: Queryable,
  from: MemberRow,
  into: MemberRow,
  today: string,
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
  await tx.query('SELECT id FROM member WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE', [
    [from.id, into.id],
  ]);
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
  const wallet = await transferWallet(tx, from, into);
  const points = await transferPoints(tx, from, into, today);
  const ids = await tx.query(
    'UPDATE member_external_id SET member_id = $2 WHERE member_id = $1 RETURNING kind',
    [from.id, into.id],
  );
  const memberships = await tx.query(
    'UPDATE membership SET member_id = $2 WHERE member_id = $1 AND refunded IS NULL AND ends_on >= $3 RETURNING id',
    [from.id, into.id, today],
  );
  await tx.query('UPDATE member SET merged_into = $2 WHERE id = $1', [from.id, into.id]);
  await raiseGeneration(tx, into, from.generation);
  await emit(tx, 'member.merged', { member: into.code, from: from.code });
  return {
    moved: {
      wallet: wallet?.amount ?? '0.00',
      points,
      externalIds: ids.length,
      memberships: memberships.length,
    },
  };
}
