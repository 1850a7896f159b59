import type { Queryable } from '../appstore/index.js';
import type { MemberRulesView } from '../contract/index.js';
import { ZhongtaiError } from '../model/index.js';
import { toFen, yuan } from './money.js';

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
  /**
   * Bonus value (not principal) lapses when the wallet has not moved for this many months; null: never (the
   * default). Principal never lapses: registered prepaid cards may carry no expiry.
   */
  bonusDormancyMonths: number | null;
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
  bonusDormancyMonths: null,
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

/** The rules as the API shows them: yuan text for money. */
export const rulesView = (rules: MemberRules): MemberRulesView => ({
  ...rules,
  topUpBonus: rules.topUpBonus.map((t) => ({ from: yuan(t.from), bonus: yuan(t.bonus) })),
  plans: rules.plans.map((p) => ({ ...p, price: yuan(p.price) })),
  adjustApprovalAbove: yuan(rules.adjustApprovalAbove),
  grades: rules.grades.map((g) => ({ ...g, minSpend: yuan(g.minSpend) })),
});

const invalid = (field: string, en: string, zh: string) =>
  new ZhongtaiError('BAD_REQUEST', { en: `${field}: ${en}`, zh: `${field}：${zh}` }, { field });

/**
 * Rules as an administrator sends them, checked as a whole: money exact, tiers and grades rising, ids
 * unique, and no plan that a member holds today taken away (its periods would lose their plan).
 */
export function rulesFrom(view: MemberRulesView, plansInUse: string[]): MemberRules {
  const rules: MemberRules = {
    ...view,
    topUpBonus: view.topUpBonus.map((t, i) => ({
      from: toFen(t.from, `topUpBonus[${i}].from`),
      bonus: toFen(t.bonus, `topUpBonus[${i}].bonus`),
    })),
    plans: view.plans.map((p, i) => ({ ...p, price: toFen(p.price, `plans[${i}].price`) })),
    adjustApprovalAbove: toFen(view.adjustApprovalAbove, 'adjustApprovalAbove'),
    grades: view.grades.map((g, i) => ({ ...g, minSpend: toFen(g.minSpend, `grades[${i}].minSpend`) })),
  };
  rules.topUpBonus.forEach((t, i) => {
    if (t.bonus >= t.from)
      throw invalid(
        `topUpBonus[${i}].bonus`,
        'a bonus must be less than its top-up',
        '赠送金额须小于充值金额',
      );
    const before = rules.topUpBonus[i - 1];
    if (before && (t.from <= before.from || t.bonus < before.bonus))
      throw invalid(
        `topUpBonus[${i}]`,
        'tiers rise: each from a larger top-up, with no smaller bonus',
        '档位须递增：充值金额更大，赠送不少于上一档',
      );
  });
  rules.grades.forEach((g, i) => {
    const before = rules.grades[i - 1];
    if (before && g.minSpend <= before.minSpend)
      throw invalid(
        `grades[${i}].minSpend`,
        'grades rise: each needs more spend than the one before',
        '等级须递增：门槛高于上一等级',
      );
  });
  for (const [list, what] of [
    [rules.plans, 'plans'],
    [rules.grades, 'grades'],
  ] as const) {
    const ids = list.map((x) => x.id);
    const twice = ids.find((id, i) => ids.indexOf(id) !== i);
    if (twice) throw invalid(what, `${twice} appears twice`, `${twice} 重复`);
    if (what === 'grades' && ids.includes('normal'))
      throw invalid(what, 'normal is the grade below the first', 'normal 为最低等级，无需配置');
  }
  const kept = new Set(rules.plans.map((p) => p.id));
  const dropped = plansInUse.filter((id) => !kept.has(id));
  if (dropped.length)
    throw invalid(
      'plans',
      `${dropped.join(', ')} is held by members today: keep it`,
      `${dropped.join('、')} 仍有会员在有效期内，不能删除`,
    );
  return rules;
}

export async function saveRules(store: Queryable, rules: MemberRules): Promise<void> {
  await store.query(
    `INSERT INTO app_setting (name, value) VALUES ('members.rules', $1)
     ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = now()`,
    [JSON.stringify(rules)],
  );
}
