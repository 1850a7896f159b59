import { type Queryable, recordAudit } from '../appstore/index.js';
import type { Adjustment } from '../contract/index.js';
import { ZhongtaiError } from '../model/index.js';
import type { MemberRow } from './identity.js';
import { yuan } from './money.js';
import { adjustWallet } from './wallet.js';

/**
 * Manual adjustments (人工调整): a wallet corrected by hand, always with a reason and in the audit log. Up to
 * the chain's limit it is posted at once; above it, it waits until a second person with the same right
 * approves (the one who asked cannot), and is posted then — or rejected, changing nothing.
 */
interface Row extends Record<string, unknown> {
  id: string;
  code: string;
  member_id: string;
  account: 'principal' | 'bonus';
  amount: string;
  reason: string;
  requested_by: string;
  requested_at: Date | string;
  status: Adjustment['status'];
  decided_by: string | null;
  entry_id: string | null;
}

const view = (r: Row): Adjustment => ({
  id: Number(r.id),
  member: r.code,
  account: r.account,
  amount: yuan(r.amount),
  reason: r.reason,
  requestedBy: r.requested_by,
  requestedAt: new Date(r.requested_at).toISOString(),
  status: r.status,
  decidedBy: r.decided_by,
  entry: r.entry_id === null ? null : Number(r.entry_id),
});

const SELECT = `SELECT a.*, m.code FROM member_adjustment a JOIN member m ON m.id = a.member_id`;

export async function requestAdjustment(
  tx: Queryable,
  member: MemberRow,
  input: { account: 'principal' | 'bonus'; fen: number; reason: string },
  who: { username: string; ip: string | null },
  approvalAbove: number,
): Promise<Adjustment> {
  const immediate = Math.abs(input.fen) <= approvalAbove;
  const [made] = await tx.query<{ id: string }>(
    `INSERT INTO member_adjustment (member_id, account, amount, reason, requested_by, status)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [member.id, input.account, input.fen, input.reason, who.username, immediate ? 'posted' : 'pending'],
  );
  const id = Number(made?.id);
  if (immediate) {
    const entry = await adjustWallet(tx, member, input.account, input.fen, `adjustment ${id}`);
    await tx.query('UPDATE member_adjustment SET entry_id = $2 WHERE id = $1', [id, entry.entry]);
  }
  await recordAudit(tx, {
    actor: who.username,
    action: 'member.adjust',
    target: member.code,
    detail: {
      adjustment: id,
      account: input.account,
      amount: yuan(input.fen),
      reason: input.reason,
      immediate,
    },
    ip: who.ip,
  });
  const [row] = await tx.query<Row>(`${SELECT} WHERE a.id = $1`, [id]);
  return view(row as Row);
}

export async function decideAdjustment(
  tx: Queryable,
  id: number,
  approve: boolean,
  who: { username: string; ip: string | null },
  memberOf: (code: string) => Promise<MemberRow>,
): Promise<Adjustment> {
  const [row] = await tx.query<Row>(`${SELECT} WHERE a.id = $1 FOR UPDATE OF a`, [id]);
  if (!row)
    throw new ZhongtaiError(
      'NOT_FOUND',
      { en: `No adjustment ${id}`, zh: `调整单 ${id} 不存在` },
      { field: 'id' },
    );
  if (row.status !== 'pending')
    throw new ZhongtaiError(
      'CONFLICT',
      { en: `Adjustment ${id} is ${row.status} already`, zh: `调整单 ${id} 已处理（${row.status}）` },
      { field: 'id' },
    );
  if (row.requested_by === who.username)
    throw new ZhongtaiError('FORBIDDEN', {
      en: `Adjustment ${id} was asked by you: another person approves it`,
      zh: `调整单 ${id} 由您发起，须由他人审批`,
    });
  let entry: number | null = null;
  if (approve) {
    const member = await memberOf(row.code);
    entry = (await adjustWallet(tx, member, row.account, Number(row.amount), `adjustment ${id}`)).entry;
  }
  await tx.query(
    'UPDATE member_adjustment SET status = $2, decided_by = $3, decided_at = now(), entry_id = $4 WHERE id = $1',
    [id, approve ? 'posted' : 'rejected', who.username, entry],
  );
  await recordAudit(tx, {
    actor: who.username,
    action: 'member.adjust.decide',
    target: row.code,
    detail: { adjustment: id, approve, amount: yuan(row.amount), requestedBy: row.requested_by },
    ip: who.ip,
  });
  const [after] = await tx.query<Row>(`${SELECT} WHERE a.id = $1`, [id]);
  return view(after as Row);
}

export async function listAdjustments(
  tx: Queryable,
  status: Adjustment['status'] | null,
): Promise<Adjustment[]> {
  const rows = await tx.query<Row>(
    `${SELECT} ${status ? 'WHERE a.status = $1' : ''} ORDER BY a.id DESC LIMIT 200`,
    status ? [status] : [],
  );
  return rows.map(view);
}
