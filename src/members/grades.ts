import type { Queryable } from '../appstore/index.js';
import type { MemberRow } from './identity.js';
import { emit } from './once.js';
import { gradeFor, gradeRank, type MemberRules } from './rules.js';
import { OWN_MEMBERS } from './wallet.js';

/**
 * Grades by spend (会员等级): the spend of the last 12 months — what earnings were made on, less returns, of the
 * member and of members merged into it. A grade is reached at once; it is kept until the anniversary of
 * reaching it, and then set by the year's spend (kept, raised or lowered), as chains run them.
 */
async function yearSpend(tx: Queryable, member: MemberRow, today: string): Promise<number> {
  const [row] = await tx.query<{ spend: string }>(
    `SELECT coalesce(sum(spend), 0) AS spend FROM points_entry
     WHERE member_id IN ${OWN_MEMBERS} AND spend <> 0 AND at >= CAST($1 AS DATE) - INTERVAL '1 year'`,
    [today, member.id],
  );
  return Number(row?.spend ?? 0);
}

async function setGrade(tx: Queryable, member: MemberRow & { grade?: string }, grade: string, today: string) {
  await tx.query('UPDATE member SET grade = $2, grade_since = $3 WHERE id = $1', [
    member.id,
    grade,
    grade === 'normal' ? null : today,
  ]);
  if (grade !== member.grade)
    await emit(tx, 'member.grade', { member: member.code, from: member.grade, to: grade });
}

/** After an earning: a grade the year's spend now reaches is given at once. */
export async function raiseGrade(tx: Queryable, rules: MemberRules, member: MemberRow, today: string) {
  const [row] = await tx.query<{ grade: string }>('SELECT grade FROM member WHERE id = $1', [member.id]);
  const current = row?.grade ?? 'normal';
  const reached = gradeFor(rules, await yearSpend(tx, member, today));
  if (gradeRank(rules, reached) > gradeRank(rules, current))
    await setGrade(tx, { ...member, grade: current }, reached, today);
}

/** Members a year past reaching their grade: set by the year's spend (run daily). */
export async function gradeAnniversaries(tx: Queryable, rules: MemberRules, today: string) {
  const due = await tx.query<MemberRow & { grade: string }>(
    `SELECT id, code, grade FROM member
     WHERE merged_into IS NULL AND grade <> 'normal' AND grade_since + INTERVAL '1 year' <= CAST($1 AS DATE)
     ORDER BY id`,
    [today],
  );
  let lowered = 0;
  for (const member of due) {
    await tx.query('SELECT id FROM member WHERE id = $1 FOR NO KEY UPDATE', [member.id]);
    const reached = gradeFor(rules, await yearSpend(tx, member, today));
    if (gradeRank(rules, reached) < gradeRank(rules, member.grade)) lowered += 1;
    await setGrade(tx, member, reached, today);
  }
  return { reviewed: due.length, lowered };
}
