import type { Queryable } from '../appstore/index.js';
import type { WalletBalance, WalletEntry } from '../contract/index.js';
import { fromChainLocal, ZhongtaiError } from '../model/index.js';
import { COLUMNS, type MemberRow, memberByCode, raiseGeneration } from './identity.js';
import { yuan } from './money.js';
import type { Claim, Kept } from './once.js';
import { bonusFor, type MemberRules } from './rules.js';

/**
 * The stored-value wallet (储值) as a double-entry ledger. Accounts, debits positive:
 * - wallet_principal, wallet_bonus: what the chain owes the member (liabilities, so credit balances);
 * - cash_clearing: money taken at the till or by payment for top-ups and change;
 * - sales_clearing: sales paid from the wallet;
 * - bonus_expense: the bonus given (a marketing cost), and taken back when unused bonus is reversed;
 * - breakage_income: bonus value that lapsed unused, where the chain's rules let it lapse.
 * Each entry's lines sum to zero; the member's wallet row is the running balance of the two liabilities.
 */
type Kind = WalletEntry['kind'];

/** The member ($2) and every member merged into it, at any depth. */
export const OWN_MEMBERS = `(WITH RECURSIVE own(id) AS (SELECT CAST($2 AS BIGINT)
  UNION SELECT x.id FROM member x JOIN own ON x.merged_into = own.id) SELECT id FROM own)`;

interface Held {
  principal: number;
  bonus: number;
}

/**
 * The member's wallet row, made if missing, locked until the transaction ends — and the member's row before
 * it, in one round trip. Every write of the center locks a member's row first (FOR NO KEY UPDATE, which
 * leaves the foreign-key checks of other inserts alone) and its wallet second, so two writes never wait
 * on each other in opposite orders; a merge takes both members' rows, the lower id first, the same way.
 */
async function holdWallet(tx: Queryable, member: MemberRow): Promise<Held> {
  const [row] = await tx.query<{ principal: string; bonus: string }>(
    `WITH m AS (SELECT id FROM member WHERE id = $1 FOR NO KEY UPDATE)
     INSERT INTO wallet (member_id) SELECT id FROM m
     ON CONFLICT (member_id) DO UPDATE SET member_id = excluded.member_id RETURNING principal, bonus`,
    [member.id],
  );
  return { principal: Number(row?.principal ?? 0), bonus: Number(row?.bonus ?? 0) };
}

/**
 * The fast path's first statement (see onceInline): whether the key answered before, and if not the member
 * its code names locked with its wallet — member row first, wallet second, as every write locks them. A
 * member merged away (or no such code) takes the usual way: resolved, then held.
 */
export async function memberWithWallet<T>(
  tx: Queryable,
  code: string,
  claim: Claim,
): Promise<{ kept: Kept<T> } | { member: MemberRow; held: Held }> {
  const [row] = await tx.query<
    MemberRow & {
      kept_digest: string | null;
      kept_status: number;
      kept_answer: T;
      principal: string | null;
      bonus: string | null;
    }
  >(
    `WITH kept AS (SELECT digest, status, answer FROM member_request WHERE scope = $1 AND key = $2),
     m AS (SELECT ${COLUMNS} FROM member WHERE code = $3 AND NOT EXISTS (SELECT 1 FROM kept) FOR NO KEY UPDATE),
     w AS (INSERT INTO wallet (member_id) SELECT id FROM m WHERE merged_into IS NULL
           ON CONFLICT (member_id) DO UPDATE SET member_id = excluded.member_id RETURNING principal, bonus)
     SELECT k.digest AS kept_digest, k.status AS kept_status, k.answer AS kept_answer, m.*, w.principal, w.bonus
     FROM (SELECT 1) one LEFT JOIN kept k ON true LEFT JOIN m ON true LEFT JOIN w ON true`,
    [claim.scope, claim.key, code],
  );
  if (row?.kept_digest)
    return { kept: { digest: row.kept_digest, status: row.kept_status, answer: row.kept_answer } };
  if (row?.id && row.principal !== null) {
    const { kept_digest, kept_status, kept_answer, principal, bonus, ...member } = row;
    return { member: member as MemberRow, held: { principal: Number(principal), bonus: Number(bonus) } };
  }
  const member = await memberByCode(tx, code);
  return { member, held: await holdWallet(tx, member) };
}

export const balanceOf = (held: Held): WalletBalance => ({
  balance: yuan(held.principal + held.bonus),
  principal: yuan(held.principal),
  bonus: yuan(held.bonus),
});

interface Move {
  kind: Kind;
  /** The change to the member's principal and bonus (negative: taken out). */
  principal: number;
  bonus: number;
  /** The other side: which account pays for the principal's and the bonus's change. */
  counter: { principal: string; bonus: string };
  store: number | null;
  reference: string | null;
  reverses: number | null;
  /** Lines beside the wallet's (a membership's price into deferred revenue), debits positive. */
  aside?: [string, number][];
}

async function post(
  tx: Queryable,
  member: MemberRow,
  held: Held,
  move: Move,
  /** The write's key, claimed with its answer in this statement (the fast path of onceInline). */
  claim?: Claim,
): Promise<WalletEntry> {
  const after = { principal: held.principal + move.principal, bonus: held.bonus + move.bonus };
  // A liability grows by a credit (negative); its counter-account takes the debit. Lines of one account
  // are summed, so a move whose principal and bonus share a counter-account writes one line for it.
  const lines = new Map<string, number>();
  const add = (account: string, amount: number) => lines.set(account, (lines.get(account) ?? 0) + amount);
  add('wallet_principal', -move.principal);
  add('wallet_bonus', -move.bonus);
  add(move.counter.principal, move.principal);
  add(move.counter.bonus, move.bonus);
  for (const [account, amount] of move.aside ?? []) add(account, amount);
  const kept = [...lines].filter(([, amount]) => amount !== 0);
  const view = (id: number, at: string): WalletEntry => ({
    entry: id,
    kind: move.kind,
    amount: yuan(move.principal + move.bonus),
    principal: yuan(move.principal),
    bonus: yuan(move.bonus),
    store: move.store,
    reference: move.reference,
    reverses: move.reverses,
    at,
    after: balanceOf(after),
  });
  // The balance, the entry, its lines, the outbox row (and the key's claim) in one statement: the wallet row
  // stays locked for as few round trips as can be, which is what a busy account waits on. The time is written
  // as JavaScript writes it, so the answer kept with the key is the answer given.
  const { entry: _, at: __, ...shown } = view(0, '');
  const [entry] = await tx.query<{ id: string; at: string }>(
    `WITH w AS (UPDATE wallet SET principal = $8, bonus = $9 WHERE member_id = $1),
     e AS (INSERT INTO journal_entry (member_id, kind, principal, bonus, store_id, reference, reverses, principal_after, bonus_after)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           RETURNING id, at, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at_text),
     l AS (INSERT INTO journal_line (entry_id, account, amount)
           SELECT e.id, x.account, x.amount FROM e, unnest($10::text[], $11::bigint[]) AS x(account, amount)),
     o AS (INSERT INTO member_outbox (topic, payload)
           SELECT 'wallet.entry', $12::jsonb || jsonb_build_object('member', $13::text, 'entry', e.id, 'at', e.at) FROM e),
     r AS (INSERT INTO member_request (scope, key, digest, status, answer)
           SELECT $14::text, $15::text, $16::text, 201, $12::jsonb || jsonb_build_object('entry', e.id, 'at', e.at_text)
           FROM e WHERE $14::text IS NOT NULL)
     SELECT id, at_text AS at FROM e`,
    [
      member.id,
      move.kind,
      move.principal,
      move.bonus,
      move.store,
      move.reference,
      move.reverses,
      after.principal,
      after.bonus,
      kept.map(([account]) => account),
      kept.map(([, amount]) => amount),
      JSON.stringify(shown),
      member.code,
      claim?.scope ?? null,
      claim?.key ?? null,
      claim?.digest ?? null,
    ],
  );
  return view(Number(entry?.id), String(entry?.at));
}

const short = (what: { en: string; zh: string }, held: Held, fen: number) =>
  new ZhongtaiError(
    'NOT_ENOUGH',
    {
      en: `${what.en}: the wallet holds ${yuan(held.principal + held.bonus)}, not ${yuan(fen)}`,
      zh: `${what.zh}：储值余额为 ${yuan(held.principal + held.bonus)} 元，不足 ${yuan(fen)} 元`,
    },
    { field: 'amount' },
  );

/**
 * Money into the wallet: a top-up (充值), with the bonus of the tier it reaches, or change from a cash
 * payment (找零存入储值), principal only. Either makes a registered member a wallet member.
 */
export async function putIn(
  tx: Queryable,
  rules: MemberRules,
  member: MemberRow,
  kind: 'top_up' | 'change',
  fen: number,
  where: { store: number; reference: string | null },
  fast?: { held: Held; claim: Claim },
): Promise<WalletEntry> {
  const held = fast?.held ?? (await holdWallet(tx, member));
  const entry = await post(
    tx,
    member,
    held,
    {
      kind,
      principal: fen,
      bonus: kind === 'top_up' ? bonusFor(rules, fen) : 0,
      counter: { principal: 'cash_clearing', bonus: 'bonus_expense' },
      reverses: null,
      ...where,
    },
    fast?.claim,
  );
  await raiseGeneration(tx, member, 'wallet');
  return entry;
}

/**
 * An entry of the member's journal that moves no wallet money (a paid membership bought or refunded): booked
 * with the wallet row held, so every entry's balance-after stays in the order entries were made.
 */
export async function postAside(
  tx: Queryable,
  member: MemberRow,
  kind: 'membership' | 'membership_refund' | 'membership_earned',
  lines: [string, number][],
  where: { store: number | null; reference: string | null },
): Promise<WalletEntry> {
  const held = await holdWallet(tx, member);
  return post(tx, member, held, {
    kind,
    principal: 0,
    bonus: 0,
    counter: { principal: 'cash_clearing', bonus: 'cash_clearing' },
    reverses: null,
    aside: lines,
    ...where,
  });
}

/**
 * A merge's money: the whole wallet of `from` out, into `into`, by a pair of entries through merge_clearing
 * (which nets to zero). Both wallets held, the lower member id first, as every two-member write locks.
 */
export async function transferWallet(
  tx: Queryable,
  from: MemberRow,
  into: MemberRow,
  /** What to move (a merge undone gives back what came in); by default all `from` holds. */
  amount?: Held,
  reference = `merge ${from.code} → ${into.code}`,
): Promise<(Held & { entry: WalletEntry }) | null> {
  const [first, second] = Number(from.id) < Number(into.id) ? [from, into] : [into, from];
  const heldFirst = await holdWallet(tx, first);
  const heldSecond = await holdWallet(tx, second);
  const source = first === from ? heldFirst : heldSecond;
  const target = first === from ? heldSecond : heldFirst;
  const moving = amount ?? source;
  if (moving.principal + moving.bonus === 0) return null;
  if (moving.principal > source.principal || moving.bonus > source.bonus)
    throw short({ en: 'Transfer', zh: '转移' }, source, moving.principal + moving.bonus);
  const where = { store: null, reference, reverses: null };
  const counter = { principal: 'merge_clearing', bonus: 'merge_clearing' };
  await post(tx, from, source, {
    kind: 'merge_out',
    principal: 0 - moving.principal,
    bonus: 0 - moving.bonus,
    counter,
    ...where,
  });
  const entry = await post(tx, into, target, {
    kind: 'merge_in',
    principal: moving.principal,
    bonus: moving.bonus,
    counter,
    ...where,
  });
  return { principal: moving.principal, bonus: moving.bonus, entry };
}

/** A correction by hand into or out of the principal or the bonus, against adjustment_expense. */
export async function adjustWallet(
  tx: Queryable,
  member: MemberRow,
  account: 'principal' | 'bonus',
  fen: number,
  reference: string,
): Promise<WalletEntry> {
  const held = await holdWallet(tx, member);
  if (held[account] + fen < 0)
    throw new ZhongtaiError(
      'NOT_ENOUGH',
      {
        en: `Adjustment of ${yuan(fen)}: the wallet's ${account} holds ${yuan(held[account])}`,
        zh: `调整 ${yuan(fen)} 元：储值${account === 'principal' ? '本金' : '赠送'}仅有 ${yuan(held[account])} 元`,
      },
      { field: 'amount' },
    );
  return post(tx, member, held, {
    kind: 'adjust',
    principal: account === 'principal' ? fen : 0,
    bonus: account === 'bonus' ? fen : 0,
    counter: { principal: 'adjustment_expense', bonus: 'adjustment_expense' },
    store: null,
    reference,
    reverses: null,
  });
}

/** How much of a payment comes from bonus value, by the chain's rule. */
export function bonusShare(rules: MemberRules, held: Held, fen: number): number {
  const fromBonus =
    rules.bonusSpend === 'principal_first'
      ? Math.max(0, fen - held.principal)
      : Math.floor((fen * held.bonus) / (held.principal + held.bonus));
  // Never more than either side holds.
  return Math.min(held.bonus, Math.max(fromBonus, fen - held.principal));
}

export async function pay(
  tx: Queryable,
  rules: MemberRules,
  member: MemberRow,
  fen: number,
  where: { store: number; reference: string | null },
  fast?: { held: Held; claim: Claim },
): Promise<WalletEntry> {
  const held = fast?.held ?? (await holdWallet(tx, member));
  if (fen > held.principal + held.bonus) throw short({ en: 'Pay', zh: '支付' }, held, fen);
  const bonus = bonusShare(rules, held, fen);
  return post(
    tx,
    member,
    held,
    {
      kind: 'pay',
      principal: 0 - (fen - bonus),
      bonus: 0 - bonus,
      counter: { principal: 'sales_clearing', bonus: 'sales_clearing' },
      reverses: null,
      ...where,
    },
    fast?.claim,
  );
}

interface EntryRow extends Record<string, unknown> {
  id: string;
  member_id: string;
  kind: Kind;
  principal: string;
  bonus: string;
}

async function entryOf(tx: Queryable, member: MemberRow, id: number, kinds: Kind[]): Promise<EntryRow> {
  const [row] = await tx.query<EntryRow>(
    // The member's own entries, and those of members merged into it (a refund after a merge).
    `SELECT id, member_id, kind, principal, bonus FROM journal_entry WHERE id = $1 AND member_id IN ${OWN_MEMBERS}`,
    [id, member.id],
  );
  if (!row || !kinds.includes(row.kind))
    throw new ZhongtaiError(
      'NOT_FOUND',
      {
        en: `Member ${member.code} has no ${kinds.join(' or ')} entry ${id}`,
        zh: `会员 ${member.code} 没有编号为 ${id} 的${kinds.includes('pay') ? '储值消费' : '充值'}记录`,
      },
      { field: 'entry' },
    );
  return row;
}

/** Returns part or all of a wallet payment, to principal and bonus in the shares it was paid from. */
export async function refund(
  tx: Queryable,
  member: MemberRow,
  payId: number,
  fen: number,
  where: { store: number; reference: string | null },
): Promise<WalletEntry> {
  // The wallet first, then the payment: every wallet write locks in that order.
  const held = await holdWallet(tx, member);
  const paid = await entryOf(tx, member, payId, ['pay']);
  const [back] = await tx.query<{ principal: string; bonus: string }>(
    "SELECT coalesce(sum(principal), 0) AS principal, coalesce(sum(bonus), 0) AS bonus FROM journal_entry WHERE reverses = $1 AND kind = 'refund'",
    [payId],
  );
  const left = {
    principal: -Number(paid.principal) - Number(back?.principal ?? 0),
    bonus: -Number(paid.bonus) - Number(back?.bonus ?? 0),
  };
  if (fen > left.principal + left.bonus)
    throw new ZhongtaiError(
      'NOT_ENOUGH',
      {
        en: `Refund of ${yuan(fen)}: payment ${payId} has ${yuan(left.principal + left.bonus)} left to refund`,
        zh: `退款 ${yuan(fen)} 元超过消费记录 ${payId} 可退金额 ${yuan(left.principal + left.bonus)} 元`,
      },
      { field: 'amount' },
    );
  const total = -Number(paid.principal) - Number(paid.bonus);
  const bonus = Math.min(
    left.bonus,
    Math.max(fen - left.principal, Math.floor((fen * -Number(paid.bonus)) / total)),
  );
  return post(tx, member, held, {
    kind: 'refund',
    principal: fen - bonus,
    bonus,
    counter: { principal: 'sales_clearing', bonus: 'sales_clearing' },
    reverses: payId,
    ...where,
  });
}

/** Takes back a whole top-up (money returned to the payer), while the wallet still holds it. */
export async function reverseTopUp(
  tx: Queryable,
  member: MemberRow,
  topUpId: number,
  reference: string | null,
): Promise<WalletEntry> {
  const held = await holdWallet(tx, member);
  const made = await entryOf(tx, member, topUpId, ['top_up', 'change']);
  const [done] = await tx.query('SELECT id FROM journal_entry WHERE reverses = $1 AND kind = $2', [
    topUpId,
    'reverse',
  ]);
  if (done)
    throw new ZhongtaiError(
      'CONFLICT',
      { en: `Top-up ${topUpId} is reversed already`, zh: `充值记录 ${topUpId} 已撤销` },
      { field: 'entry' },
    );
  const principal = Number(made.principal);
  const bonus = Number(made.bonus);
  if (held.principal < principal || held.bonus < bonus)
    throw short(
      { en: `Reverse of top-up ${topUpId} (part of it is spent)`, zh: `撤销充值 ${topUpId}（部分已消费）` },
      held,
      principal + bonus,
    );
  return post(tx, member, held, {
    kind: 'reverse',
    principal: -principal,
    bonus: 0 - bonus,
    counter: { principal: 'cash_clearing', bonus: 'bonus_expense' },
    store: null,
    reference,
    reverses: topUpId,
  });
}

export async function walletOf(
  tx: Queryable,
  member: MemberRow,
  limit: number,
): Promise<{ balance: WalletBalance; entries: WalletEntry[] }> {
  const [held] = await tx.query<{ principal: string; bonus: string }>(
    'SELECT principal, bonus FROM wallet WHERE member_id = $1',
    [member.id],
  );
  const rows = await tx.query<{
    id: string;
    kind: Kind;
    principal: string;
    bonus: string;
    store_id: number | null;
    reference: string | null;
    reverses: string | null;
    principal_after: string;
    bonus_after: string;
    at: Date | string;
  }>(
    // The wallet's own movements: a membership bought or refunded is in the journal, not in the wallet.
    "SELECT * FROM journal_entry WHERE member_id = $1 AND kind NOT LIKE 'membership%' ORDER BY id DESC LIMIT $2",
    [member.id, limit],
  );
  return {
    balance: balanceOf({ principal: Number(held?.principal ?? 0), bonus: Number(held?.bonus ?? 0) }),
    entries: rows.map((r) => ({
      entry: Number(r.id),
      kind: r.kind,
      amount: yuan(Number(r.principal) + Number(r.bonus)),
      principal: yuan(r.principal),
      bonus: yuan(r.bonus),
      store: r.store_id,
      reference: r.reference,
      reverses: r.reverses === null ? null : Number(r.reverses),
      at: new Date(r.at).toISOString(),
      after: balanceOf({ principal: Number(r.principal_after), bonus: Number(r.bonus_after) }),
    })),
  };
}

/** Every account's balance over all entries: the ledger balances when they sum to zero. */
/**
 * Bonus value forfeited (赠送金过期, breakage): where the chain's rules say so, the bonus of a wallet that has
 * not moved for that many months goes to breakage_income. Principal never lapses — a registered prepaid card
 * may carry no expiry (单用途商业预付卡管理办法) — and a member who pays again before then keeps the bonus.
 */
export async function lapseBonus(
  tx: Queryable,
  rules: MemberRules,
  today: string,
): Promise<{ members: number; amount: string }> {
  const months = rules.bonusDormancyMonths;
  if (!months) return { members: 0, amount: '0.00' };
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const cutoff = fromChainLocal(
    `${new Date(Date.UTC(y, m - 1 - months, d)).toISOString().slice(0, 10)} 00:00:00`,
  );
  const dormant = await tx.query<MemberRow>(
    `SELECT m.id, m.code FROM wallet w JOIN member m ON m.id = w.member_id
     WHERE w.bonus > 0 AND m.merged_into IS NULL
       AND NOT EXISTS (SELECT 1 FROM journal_entry j WHERE j.member_id = w.member_id AND j.at >= $1
                       AND (j.principal <> 0 OR j.bonus <> 0))
     ORDER BY m.id`,
    [cutoff.toISOString()],
  );
  let amount = 0;
  for (const member of dormant) {
    const held = await holdWallet(tx, member);
    if (held.bonus === 0) continue;
    await post(tx, member, held, {
      kind: 'breakage',
      principal: 0,
      bonus: -held.bonus,
      counter: { principal: 'cash_clearing', bonus: 'breakage_income' },
      store: null,
      reference: `bonus unused for ${months} months`,
      reverses: null,
    });
    amount += held.bonus;
  }
  return { members: dormant.length, amount: yuan(amount) };
}

export async function trialBalance(tx: Queryable): Promise<Record<string, number>> {
  const rows = await tx.query<{ account: string; amount: string }>(
    'SELECT account, sum(amount) AS amount FROM journal_line GROUP BY account ORDER BY account',
  );
  return Object.fromEntries(rows.map((r) => [r.account, Number(r.amount)]));
}
