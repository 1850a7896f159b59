import type { Queryable } from '../appstore/index.js';
import type { MemberChange } from '../contract/index.js';
import type { MemberRow } from './identity.js';

const CHANGES: Record<string, MemberChange['change']> = {
  'member.registered': 'registered',
  'member.generation': 'generation',
  'member.grade': 'grade',
  'member.merged': 'merged',
  'member.unmerged': 'unmerged',
};

/**
 * A member's history (会员变更记录), newest first: joining, each change of generation and grade, and the
 * members merged into it or taken back out — read from the outbox, which every change writes in its own
 * transaction, so the history cannot miss one.
 */
export async function historyOf(tx: Queryable, member: MemberRow, limit = 100): Promise<MemberChange[]> {
  const rows = await tx.query<{ topic: string; at: Date | string; payload: Record<string, unknown> }>(
    `SELECT topic, at, payload FROM member_outbox
     WHERE payload->>'member' = $1
       AND topic IN ('member.registered', 'member.generation', 'member.grade', 'member.merged', 'member.unmerged')
     ORDER BY id DESC LIMIT $2`,
    [member.code, limit],
  );
  return rows.map((r) => {
    const p = r.payload;
    const change = CHANGES[r.topic] ?? 'registered';
    const merging = change === 'merged' || change === 'unmerged';
    return {
      at: new Date(r.at).toISOString(),
      change,
      from: merging ? String(p.from) : p.from === undefined ? null : String(p.from),
      to:
        change === 'registered' ? String(p.generation ?? 'registered') : merging ? member.code : String(p.to),
    };
  });
}
