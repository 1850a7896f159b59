import type { Queryable } from '../appstore/index.js';
import type { CouponTemplate } from '../contract/index.js';
import { chainToday } from '../members/index.js';
import { issueCoupons } from './coupons.js';

/**
 * Paid members' monthly coupons (付费会员月度券). A template with `paidMonthly: n` gives every paid member n
 * coupons a chain month. The member center's outbox is the hook: `membership.started` grants the month at once,
 * `membership.ended` voids the unused ones of a member no longer paid; on the first sweep of a new month every
 * paid member gets that month's. A grant is keyed by template, member and month, so whichever path comes first
 * grants once, and a refund-and-rejoin in the same month does not grant again.
 */
export interface PaidGrants {
  granted: number;
  voided: number;
}

const HOOK = 'membership';
const MONTH = 'paid_month';

async function cursor(tx: Queryable, name: string): Promise<number> {
  await tx.query('INSERT INTO promotion_hook (name, last_id) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING', [
    name,
  ]);
  // Locked: two servers sweeping at once take turns, and neither grants past the other's cursor.
  const [row] = await tx.query<{ last_id: string }>(
    'SELECT last_id FROM promotion_hook WHERE name = $1 FOR UPDATE',
    [name],
  );
  return Number(row?.last_id ?? 0);
}

const moveCursor = (tx: Queryable, name: string, to: number) =>
  tx.query('UPDATE promotion_hook SET last_id = $2 WHERE name = $1', [name, to]);

/** Grants this month's coupons of every monthly template to the members given who are paid now. */
async function grant(tx: Queryable, members: string[] | 'all', today: string): Promise<number> {
  const month = today.slice(0, 7);
  const templates = await tx.query<{ id: string; definition: CouponTemplate }>(
    "SELECT id, definition FROM coupon_template WHERE definition ? 'paidMonthly' ORDER BY id",
  );
  let granted = 0;
  for (const t of templates) {
    const fresh = await tx.query<{ member_code: string }>(
      `INSERT INTO paid_coupon_grant (template_id, member_code, month)
       SELECT $1, code, $2 FROM member
       WHERE generation = 'paid' AND merged_into IS NULL AND code IS NOT NULL
         AND ($3::text[] IS NULL OR code = ANY($3::text[]))
       ORDER BY code
       ON CONFLICT DO NOTHING RETURNING member_code`,
      [t.id, month, members === 'all' ? null : members],
    );
    if (!fresh.length) continue;
    const each = t.definition.paidMonthly ?? 1;
    const holders = fresh.flatMap((f) => Array.from({ length: each }, () => f.member_code));
    const coupons = await issueCoupons(tx, t.id, { members: holders }, today);
    await tx.query('UPDATE coupon SET paid_month = $2 WHERE code = ANY($1::text[])', [
      coupons.map((c) => c.code),
      month,
    ]);
    granted += coupons.length;
  }
  return granted;
}

/** Reads the membership hook and, on a new month, grants every paid member; run by the server's sweep. */
export async function grantPaidCoupons(tx: Queryable, now: Date): Promise<PaidGrants> {
  const today = chainToday(now);
  const after = await cursor(tx, HOOK);
  const events = await tx.query<{ id: string; topic: string; member: string; settled: boolean }>(
    `SELECT id, topic, payload->>'member' AS member, at < now() - interval '1 minute' AS settled FROM member_outbox
     WHERE id > $1 AND topic IN ('membership.started', 'membership.ended') ORDER BY id LIMIT 10000`,
    [after],
  );
  let granted = 0;
  let voided = 0;
  if (events.length) {
    const started = [...new Set(events.filter((e) => e.topic === 'membership.started').map((e) => e.member))];
    const ended = [...new Set(events.filter((e) => e.topic === 'membership.ended').map((e) => e.member))];
    if (started.length) granted += await grant(tx, started, today);
    if (ended.length) {
      const gone = await tx.query(
        `UPDATE coupon c SET state = 'void' FROM member m
         WHERE c.member_code = m.code AND m.code = ANY($1::text[]) AND m.generation <> 'paid'
           AND c.paid_month IS NOT NULL AND c.state = 'issued'
         RETURNING c.code`,
        [ended],
      );
      voided = gone.length;
    }
    // Ids are taken when a write begins, so one still running may commit below an id read here: the cursor
    // passes only events a minute old, and younger ones are read again (every step above is idempotent).
    const young = events.findIndex((e) => !e.settled);
    const last = young === -1 ? events[events.length - 1] : events[young - 1];
    if (last) await moveCursor(tx, HOOK, Number(last.id));
  }
  const month = Number(today.slice(0, 4)) * 100 + Number(today.slice(5, 7));
  if ((await cursor(tx, MONTH)) < month) {
    granted += await grant(tx, 'all', today);
    await moveCursor(tx, MONTH, month);
  }
  return { granted, voided };
}
