import type { Queryable } from '../appstore/index.js';
import type { Membership, MembershipPlan } from '../contract/index.js';
import { addDays, daysBetween, isoDate, ZhongtaiError } from '../model/index.js';
import type { MemberRow } from './identity.js';
import { raiseGeneration } from './identity.js';
import { yuan } from './money.js';
import { emit } from './once.js';
import type { MemberRules } from './rules.js';
import { TX_NOW } from './schema.js';
import { postAside } from './wallet.js';

/**
 * Paid membership (付费会员): a plan bought for a period at the till. Its price is deferred revenue
 * (membership_deferred), earned day by day over the period; a refund pays back the unused days' share and
 * books the used share as revenue. Benefits follow the period: the member is `paid` while a period covers
 * today, and `membership.started` / `membership.ended` in the outbox tell the promotion center (its monthly
 * coupons) when benefits begin and end.
 */

/** The last day of a period of `months` starting `from`: 2026-01-31 + 1 month ends 2026-02-28. */
export function periodEnd(from: string, months: number): string {
  const [y, m, d] = from.split('-').map(Number) as [number, number, number];
  const monthIndex = m - 1 + months;
  const lastOfTarget = new Date(Date.UTC(y, monthIndex + 1, 0)).getUTCDate();
  const sameDay = isoDate(Date.UTC(y, monthIndex, Math.min(d, lastOfTarget)));
  // The period ends the day before the same date `months` later (a month-end start ends at a month end).
  return d > lastOfTarget ? sameDay : addDays(sameDay, -1);
}

interface Row extends Record<string, unknown> {
  id: string;
  member_id: string;
  store_id: number | null;
  at: string | Date;
  plan: string;
  starts_on: string | Date;
  ends_on: string | Date;
  price: string;
  entry_id: string;
  refunded: string | null;
  ended_on: string | Date | null;
  renewal: boolean;
}

const isoDay = (v: string | Date) =>
  v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);
const view = (r: Row): Membership => ({
  id: Number(r.id),
  plan: r.plan,
  startsOn: isoDay(r.starts_on),
  endsOn: isoDay(r.ends_on),
  price: yuan(r.price),
  refunded: r.refunded === null ? null : yuan(r.refunded),
  endedOn: r.ended_on === null ? null : isoDay(r.ended_on),
  entry: Number(r.entry_id),
});

/** A period as the warehouse keeps it: relayed on purchase, refund and run-out (the last one wins). */
const emitPeriod = (tx: Queryable, member: MemberRow, r: Row) =>
  emit(tx, 'membership.period', {
    id: Number(r.id),
    member: member.code,
    store: r.store_id,
    plan: r.plan,
    boughtAt: new Date(r.at).toISOString(),
    startsOn: isoDay(r.starts_on),
    endsOn: isoDay(r.ends_on),
    endedOn: r.ended_on === null ? null : isoDay(r.ended_on),
    price: Number(r.price),
    refunded: r.refunded === null ? 0 : Number(r.refunded),
    renewal: r.renewal,
  });

export const plansOf = (rules: MemberRules): MembershipPlan[] =>
  rules.plans.map((p) => ({ id: p.id, label: p.label, price: yuan(p.price), months: p.months }));

/** The member's periods still running or to come (not refunded, ending today or later). */
const running = (tx: Queryable, member: MemberRow, today: string) =>
  tx.query<Row>(
    'SELECT * FROM membership WHERE member_id = $1 AND refunded IS NULL AND ends_on >= $2 ORDER BY starts_on',
    [member.id, today],
  );

const lock = (tx: Queryable, member: MemberRow) =>
  tx.query('SELECT id FROM member WHERE id = $1 FOR NO KEY UPDATE', [member.id]);

/** Buys a period: `join` when none runs, `renew` to start the day after the last one ends. */
export async function buyMembership(
  tx: Queryable,
  rules: MemberRules,
  member: MemberRow,
  how: { plan?: string; renew: boolean },
  where: { store: number; reference: string | null },
  today: string,
): Promise<Membership> {
  await lock(tx, member);
  const periods = await running(tx, member, today);
  const last = periods[periods.length - 1];
  if (!how.renew && last)
    throw new ZhongtaiError(
      'CONFLICT',
      {
        en: `Member ${member.code} is a paid member until ${isoDay(last.ends_on)}: renew instead`,
        zh: `会员 ${member.code} 的付费会员有效期至 ${isoDay(last.ends_on)}，请续费`,
      },
      { field: 'plan' },
    );
  const planId = how.plan ?? last?.plan;
  const plan = rules.plans.find((p) => p.id === planId);
  if (!plan)
    throw new ZhongtaiError(
      how.renew && !how.plan ? 'NOT_FOUND' : 'BAD_REQUEST',
      {
        en: planId
          ? `No plan ${planId}; plans: ${rules.plans.map((p) => p.id).join(', ')}`
          : `Member ${member.code} has no membership to renew`,
        zh: planId
          ? `没有付费会员方案 ${planId}；可选：${rules.plans.map((p) => p.id).join('、')}`
          : `会员 ${member.code} 没有可续费的付费会员`,
      },
      { field: 'plan' },
    );
  const startsOn = last ? addDays(isoDay(last.ends_on), 1) : today;
  const endsOn = periodEnd(startsOn, plan.months);
  const entry = await postAside(
    tx,
    member,
    'membership',
    [
      ['cash_clearing', plan.price],
      ['membership_deferred', -plan.price],
    ],
    where,
  );
  const [row] = await tx.query<Row>(
    // A renewal (续费): the member paid for a period before, one not wholly refunded.
    `INSERT INTO membership (member_id, plan, starts_on, ends_on, price, entry_id, store_id, renewal)
     VALUES ($1, $2, $3, $4, $5, $6, $7,
       EXISTS (SELECT 1 FROM membership WHERE member_id = $1 AND (refunded IS NULL OR refunded < price)))
     RETURNING *`,
    [member.id, plan.id, startsOn, endsOn, plan.price, entry.entry, where.store],
  );
  await emitPeriod(tx, member, row as Row);
  if (!last) {
    await raiseGeneration(tx, member, 'paid');
    await emit(tx, 'membership.started', { member: member.code, plan: plan.id, startsOn, endsOn });
  }
  return view(row as Row);
}

/** The used share of a period's price on `day` (the days before it), in fen: what has been earned. */
export function earnedBy(price: number, startsOn: string, endsOn: string, day: string): number {
  const total = daysBetween(startsOn, endsOn) + 1;
  const used = Math.min(total, Math.max(0, daysBetween(startsOn, day)));
  return Math.floor((price * used) / total);
}

/** Ends paid membership now: every running or future period refunded by the chain's rule from today on. */
export async function refundMembership(
  tx: Queryable,
  rules: MemberRules,
  member: MemberRow,
  where: { store: number; reference: string | null },
  today: string,
): Promise<Membership[]> {
  await lock(tx, member);
  const periods = await running(tx, member, today);
  if (!periods.length)
    throw new ZhongtaiError(
      'NOT_FOUND',
      {
        en: `Member ${member.code} has no paid membership to refund`,
        zh: `会员 ${member.code} 没有可退的付费会员`,
      },
      { field: 'member' },
    );
  const refunded: Membership[] = [];
  for (const period of periods) {
    const price = Number(period.price);
    // A refund ends benefits at once: today and every day after it are paid back.
    const earned = earnedBy(price, isoDay(period.starts_on), isoDay(period.ends_on), today);
    const back = rules.membershipRefund === 'pro_rata' ? price - earned : 0;
    await postAside(
      tx,
      member,
      'membership_refund',
      [
        ['membership_deferred', price],
        ['cash_clearing', -back],
        ['membership_revenue', -(price - back)],
      ],
      where,
    );
    // The last day of benefits was yesterday; a period not yet begun never runs (it ends the day before it starts).
    const startsOn = isoDay(period.starts_on);
    const [row] = await tx.query<Row>(
      'UPDATE membership SET refunded = $2, ended_on = $3 WHERE id = $1 RETURNING *',
      [period.id, back, addDays(today < startsOn ? startsOn : today, -1)],
    );
    await emitPeriod(tx, member, row as Row);
    refunded.push(view(row as Row));
  }
  await endBenefits(tx, member);
  return refunded;
}

/** Back to a wallet member (or registered) when no paid period covers today any more. */
async function endBenefits(tx: Queryable, member: MemberRow): Promise<void> {
  const [wallet] = await tx.query(
    'SELECT 1 FROM journal_entry WHERE member_id = $1 AND principal + bonus <> 0 LIMIT 1',
    [member.id],
  );
  const to = wallet ? 'wallet' : 'registered';
  await tx.query(`UPDATE member SET generation = $2, generation_since = ${TX_NOW} WHERE id = $1`, [
    member.id,
    to,
  ]);
  await emit(tx, 'membership.ended', { member: member.code, to });
  if (member.generation !== to)
    await emit(tx, 'member.generation', { member: member.code, from: member.generation, to });
  member.generation = to;
}

/**
 * Periods that ran out: their price is earned in full (booked from deferred to revenue), and members with no
 * period left lose the paid benefits. Run daily.
 */
export async function expireMemberships(
  tx: Queryable,
  today: string,
): Promise<{ periods: number; members: number }> {
  const due = await tx.query<Row & { member_id: string; code: string; generation: MemberRow['generation'] }>(
    `SELECT p.*, m.code, m.generation FROM membership p JOIN member m ON m.id = p.member_id
     WHERE p.refunded IS NULL AND p.ended_on IS NULL AND p.ends_on < $1 ORDER BY p.member_id, p.id`,
    [today],
  );
  const members = new Map<string, MemberRow>();
  for (const period of due) {
    const member = { id: period.member_id, code: period.code, generation: period.generation } as MemberRow;
    await lock(tx, member);
    await postAside(
      tx,
      member,
      'membership_earned',
      [
        ['membership_deferred', Number(period.price)],
        ['membership_revenue', -Number(period.price)],
      ],
      { store: null, reference: `expired ${isoDay(period.ends_on)}` },
    );
    const [row] = await tx.query<Row>('UPDATE membership SET ended_on = ends_on WHERE id = $1 RETURNING *', [
      period.id,
    ]);
    await emitPeriod(tx, member, row as Row);
    members.set(member.id, member);
  }
  let ended = 0;
  for (const member of members.values()) {
    if ((await running(tx, member, today)).length) continue;
    if (member.generation === 'paid') {
      await endBenefits(tx, member);
      ended += 1;
    }
  }
  return { periods: due.length, members: ended };
}

export async function membershipsOf(tx: Queryable, member: MemberRow, today: string) {
  const rows = await tx.query<Row>('SELECT * FROM membership WHERE member_id = $1 ORDER BY starts_on DESC', [
    member.id,
  ]);
  const all = rows.map(view);
  const active = all.find((p) => p.refunded === null && p.startsOn <= today && p.endsOn >= today) ?? null;
  return { active, memberships: all };
}

/**
 * Deferred revenue at the start of `day`: prices of periods not refunded, less what each has earned by then
 * (a period run out has earned all of it).
 */
export async function deferredRevenue(
  tx: Queryable,
  day: string,
): Promise<{ deferred: string; earned: string }> {
  // A renewal bought ahead is deferred whole until its first day.
  const rows = await tx.query<Row>('SELECT * FROM membership WHERE refunded IS NULL');
  let deferred = 0;
  let earned = 0;
  for (const r of rows) {
    const part = earnedBy(Number(r.price), isoDay(r.starts_on), isoDay(r.ends_on), day);
    earned += part;
    deferred += Number(r.price) - part;
  }
  return { deferred: yuan(deferred), earned: yuan(earned) };
}
