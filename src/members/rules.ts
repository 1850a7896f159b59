import type { Queryable } from '../appstore/index.js';

/** How the chain runs its wallet and points, kept as data (app_setting 'members.rules'). */
export interface MemberRules {
  /** 充200送20: the largest tier a top-up reaches gives its bonus, in fen. */
  topUpBonus: { from: number; bonus: number }[];
  /**
   * How a payment uses bonus value: in proportion to the balance (the common prepaid-card rule, so a refund
   * of a top-up's principal cannot leave unearned bonus behind), or principal first.
   */
  bonusSpend: 'proportional' | 'principal_first';
  /** Points per whole yuan paid. */
  pointsPerYuan: number;
  /** Multiplier of points for each generation (paid members earn double). */
  pointsMultiplier: { registered: number; wallet: number; paid: number };
  /** Paid-membership plans; price in fen. */
  plans: { id: string; label: { zh: string; en: string }; price: number; months: number }[];
  /** A refunded membership pays back its unused days' share of the price, or nothing. */
  membershipRefund: 'pro_rata' | 'none';
  /** Manual adjustments above this many fen wait for a second person's approval. */
  adjustApprovalAbove: number;
  /**
   * Grades by spend over the last 12 months (fen), lowest first; below the first, `normal`. Reached at once,
   * kept until the anniversary of reaching it, then set by the spend of the year before.
   */
  grades: { id: string; label: { zh: string; en: string }; minSpend: number }[];
}

export const DEFAULT_RULES: MemberRules = {
  topUpBonus: [
    { from: 200_00, bonus: 20_00 },
    { from: 500_00, bonus: 60_00 },
    { from: 1000_00, bonus: 150_00 },
  ],
  bonusSpend: 'proportional',
  pointsPerYuan: 1,
  pointsMultiplier: { registered: 1, wallet: 1, paid: 2 },
  plans: [
    { id: 'annual', label: { zh: '年卡会员', en: 'Annual membership' }, price: 199_00, months: 12 },
    { id: 'monthly', label: { zh: '月卡会员', en: 'Monthly membership' }, price: 25_00, months: 1 },
  ],
  membershipRefund: 'pro_rata',
  adjustApprovalAbove: 100_00,
  grades: [
    { id: 'silver', label: { zh: '银卡', en: 'Silver' }, minSpend: 1_000_00 },
    { id: 'gold', label: { zh: '金卡', en: 'Gold' }, minSpend: 5_000_00 },
    { id: 'diamond', label: { zh: '钻石卡', en: 'Diamond' }, minSpend: 20_000_00 },
  ],
};

/** The grade a year's spend reaches: the highest whose minimum it meets, else `normal`. */
export const gradeFor = (rules: MemberRules, spend: number): string =>
  rules.grades.filter((g) => spend >= g.minSpend).at(-1)?.id ?? 'normal';

/** Grades in order, `normal` first: a grade ranks above another by its place here. */
export const gradeRank = (rules: MemberRules, grade: string): number =>
  grade === 'normal' ? 0 : rules.grades.findIndex((g) => g.id === grade) + 1;

export async function readRules(store: Queryable): Promise<MemberRules> {
  const [row] = await store.query<{ value: Partial<MemberRules> }>(
    "SELECT value FROM app_setting WHERE name = 'members.rules'",
  );
  return { ...DEFAULT_RULES, ...(row?.value ?? {}) };
}

export const bonusFor = (rules: MemberRules, fen: number): number =>
  rules.topUpBonus.filter((tier) => fen >= tier.from).reduce((best, tier) => Math.max(best, tier.bonus), 0);

/** A points lot earned on `day` lasts to the end of the next calendar year. */
export const pointsExpiry = (day: string): string => `${Number(day.slice(0, 4)) + 1}-12-31`;
