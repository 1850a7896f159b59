import type { Queryable } from '../appstore/index.js';
import type { PointsEntry } from '../contract/index.js';
import { ZhongtaiError } from '../model/index.js';
import type { MemberRow } from './identity.js';
import { emit } from './once.js';
import { type MemberRules, pointsExpiry } from './rules.js';
import { OWN_MEMBERS } from './wallet.js';

/**
 * Points (积分) in lots: each earning is a lot that expires at the end of the next year; redeeming takes
 * from the lots that expire first. Every points write locks the member's row first, so a member's points
 * change one write at a time; a balance never goes below zero.
 */
type Kind = PointsEntry['kind'];

const lockMember = (tx: Queryable, member: MemberRow) =>
  tx.query('SELECT id FROM member WHERE id = $1 FOR NO KEY UPDATE', [member.id]);

async function balance(tx: Queryable, member: MemberRow, today: string): Promise<number> {
  const [row] = await tx.query<{ points: string }>(
    'SELECT coalesce(sum(remaining), 0) AS points FROM points_lot WHERE member_id = $1 AND expires_on >= $2',
    [member.id, today],
  );
  return Number(row?.points ?? 0);
}

async function record(
  tx: Queryable,
  member: MemberRow,
  move: {
    kind: Kind;
    points: number;
    store: number | null;
    reference: string | null;
    reverses: number | null;
    /** The spend (fen) an earning was made on, negative for a return: grades sum it. */
    spend?: number;
  },
  after: number,
  shortfall?: number,
): Promise<PointsEntry> {
  const [row] = await tx.query<{ id: string; at: Date | string }>(
    `INSERT INTO points_entry (member_id, kind, points, store_id, reference, reverses, balance_after, spend)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, at`,
    [member.id, move.kind, move.points, move.store, move.reference, move.reverses, after, move.spend ?? 0],
  );
  const entry: PointsEntry = {
    entry: Number(row?.id),
    kind: move.kind,
    points: move.points,
    store: move.store,
    reference: move.reference,
    at: new Date(row?.at ?? Date.now()).toISOString(),
    balance: after,
    ...(shortfall ? { shortfall } : {}),
  };
  await emit(tx, 'points.entry', { member: member.code, ...entry });
  return entry;
}

/** Takes `points` from the lots that expire first; returns how many it found. */
async function take(tx: Queryable, member: MemberRow, points: number, today: string, lotFirst?: number) {
  const lots = await tx.query<{ id: string; remaining: number }>(
    `SELECT id, remaining FROM points_lot WHERE member_id = $1 AND remaining > 0 AND expires_on >= $2
     ORDER BY (id = $3) DESC, expires_on, id`,
    [member.id, today, lotFirst ?? 0],
  );
  let left = points;
  for (const lot of lots) {
    if (left === 0) break;
    const used = Math.min(left, lot.remaining);
    await tx.query('UPDATE points_lot SET remaining = remaining - $2 WHERE id = $1', [lot.id, used]);
    left -= used;
  }
  return points - left;
}

/** Points for a payment: whole yuan × points per yuan × the member's generation's multiplier. */
export const pointsFor = (rules: MemberRules, member: MemberRow, fen: number): number =>
  Math.floor(fen / 100) * rules.pointsPerYuan * rules.pointsMultiplier[member.generation];

export async function earn(
  tx: Queryable,
  rules: MemberRules,
  member: MemberRow,
  fen: number,
  where: { store: number; reference: string | null },
  today: string,
): Promise<PointsEntry> {
  await lockMember(tx, member);
  const points = pointsFor(rules, member, fen);
  const before = await balance(tx, member, today);
  const entry = await record(
    tx,
    member,
    { kind: 'earn', points, reverses: null, spend: fen, ...where },
    before + points,
  );
  if (points > 0)
    await tx.query(
      'INSERT INTO points_lot (member_id, entry_id, points, remaining, expires_on) VALUES ($1, $2, $3, $3, $4)',
      [member.id, entry.entry, points, pointsExpiry(today)],
    );
  return entry;
}

export async function redeem(
  tx: Queryable,
  member: MemberRow,
  points: number,
  where: { store: number; reference: string | null },
  today: string,
): Promise<PointsEntry> {
  await lockMember(tx, member);
  const before = await balance(tx, member, today);
  if (points > before)
    throw new ZhongtaiError(
      'NOT_ENOUGH',
      {
        en: `Redeem ${points} points: member ${member.code} has ${before}`,
        zh: `兑换 ${points} 积分：会员 ${member.code} 仅有 ${before} 积分`,
      },
      { field: 'points' },
    );
  await take(tx, member, points, today);
  return record(tx, member, { kind: 'redeem', points: -points, reverses: null, ...where }, before - points);
}

/**
 * Takes back the points of an earning (a return): from its own lot first, then any other; points already
 * spent cannot be taken back, and the answer says how many (`shortfall`) rather than going below zero.
 */
export async function reverseEarn(
  tx: Queryable,
  member: MemberRow,
  earnId: number,
  reference: string | null,
  today: string,
): Promise<PointsEntry> {
  await lockMember(tx, member);
  const [earned] = await tx.query<{
    points: number;
    spend: string;
    reversed: string | null;
    lot: string | null;
  }>(
    `SELECT e.points, e.spend, (SELECT id FROM points_entry r WHERE r.reverses = e.id) AS reversed,
            (SELECT id FROM points_lot l WHERE l.entry_id = e.id) AS lot
     FROM points_entry e WHERE e.id = $1 AND e.member_id IN ${OWN_MEMBERS} AND e.kind = 'earn'`,
    [earnId, member.id],
  );
  if (!earned)
    throw new ZhongtaiError(
      'NOT_FOUND',
      {
        en: `Member ${member.code} has no earning ${earnId}`,
        zh: `会员 ${member.code} 没有编号为 ${earnId} 的积分记录`,
      },
      { field: 'entry' },
    );
  if (earned.reversed)
    throw new ZhongtaiError(
      'CONFLICT',
      { en: `Earning ${earnId} is reversed already`, zh: `积分记录 ${earnId} 已冲回` },
      { field: 'entry' },
    );
  const before = await balance(tx, member, today);
  const taken = await take(tx, member, earned.points, today, earned.lot ? Number(earned.lot) : undefined);
  return record(
    tx,
    member,
    {
      kind: 'reverse',
      points: 0 - taken,
      store: null,
      reference,
      reverses: earnId,
      spend: 0 - Number(earned.spend),
    },
    before - taken,
    earned.points - taken,
  );
}

/** A merge's points: the unexpired lots of `from` move to `into`, recorded out of one and into the other. */
export async function transferPoints(
  tx: Queryable,
  from: MemberRow,
  into: MemberRow,
  today: string,
  /** Just these lots (a merge undone gives back those that came in); by default every live lot. */
  lots?: string[],
  reference = `merge ${from.code} → ${into.code}`,
): Promise<{ points: number; lots: string[] }> {
  for (const m of Number(from.id) < Number(into.id) ? [from, into] : [into, from]) await lockMember(tx, m);
  const moved = await tx.query<{ id: string; remaining: string }>(
    `UPDATE points_lot SET member_id = $2 WHERE member_id = $1 AND remaining > 0 AND expires_on >= $3
     AND ($4::bigint[] IS NULL OR id = ANY($4::bigint[])) RETURNING id, remaining`,
    [from.id, into.id, today, lots ?? null],
  );
  const moving = moved.reduce((sum, lot) => sum + Number(lot.remaining), 0);
  if (moving === 0) return { points: 0, lots: [] };
  const left = await balance(tx, from, today);
  const after = await balance(tx, into, today);
  const where = { store: null, reference, reverses: null };
  await record(tx, from, { kind: 'merge_out', points: 0 - moving, ...where }, left);
  await record(tx, into, { kind: 'merge_in', points: moving, ...where }, after);
  return { points: moving, lots: moved.map((lot) => String(lot.id)) };
}

/** Lots past their day lose what they still hold, one expire entry per member (run daily). */
export async function expirePoints(
  tx: Queryable,
  today: string,
): Promise<{ members: number; points: number }> {
  const due = await tx.query<{ member_id: string; code: string; points: string }>(
    `SELECT l.member_id, m.code, sum(l.remaining) AS points FROM points_lot l JOIN member m ON m.id = l.member_id
     WHERE l.remaining > 0 AND l.expires_on < $1 GROUP BY l.member_id, m.code ORDER BY l.member_id`,
    [today],
  );
  let points = 0;
  for (const row of due) {
    const member = { id: row.member_id, code: row.code } as MemberRow;
    await lockMember(tx, member);
    await tx.query(
      'UPDATE points_lot SET remaining = 0 WHERE member_id = $1 AND remaining > 0 AND expires_on < $2',
      [row.member_id, today],
    );
    const after = await balance(tx, member, today);
    await record(
      tx,
      member,
      { kind: 'expire', points: -Number(row.points), store: null, reference: null, reverses: null },
      after,
    );
    points += Number(row.points);
  }
  return { members: due.length, points };
}

export async function pointsOf(
  tx: Queryable,
  member: MemberRow,
  limit: number,
  today: string,
): Promise<{ balance: number; entries: PointsEntry[] }> {
  const rows = await tx.query<{
    id: string;
    kind: Kind;
    points: number;
    store_id: number | null;
    reference: string | null;
    balance_after: number;
    at: Date | string;
  }>('SELECT * FROM points_entry WHERE member_id = $1 ORDER BY id DESC LIMIT $2', [member.id, limit]);
  return {
    balance: await balance(tx, member, today),
    entries: rows.map((r) => ({
      entry: Number(r.id),
      kind: r.kind,
      points: r.points,
      store: r.store_id,
      reference: r.reference,
      at: new Date(r.at).toISOString(),
      balance: r.balance_after,
    })),
  };
}
