import { z } from 'zod';

/**
 * The member center (会员中台) as tills, mini-programs and apps call it. Amounts of money are yuan with at
 * most two decimals, sent as a string ("12.30") or a number, and answered as strings: exact to the fen.
 */
export const amountSchema = z
  .union([z.string().max(20), z.number()])
  .describe('yuan, at most two decimals: "12.30" or 12.3');

const storeId = z.number().int().positive().max(2_147_483_647).describe('the store where it happens');
const reference = z.string().min(1).max(64).describe('the till’s own order or payment number');
const externalId = z
  .object({
    kind: z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, 'lower-case letters, digits and _'),
    value: z.string().min(1).max(128),
  })
  .strict()
  .describe(
    'an id the member has elsewhere: card (the chain’s member card number, which the warehouse knows the member by), wechat_openid, wechat_unionid, meituan, eleme …',
  );

/** Where a member joins (注册渠道), as the warehouse's registration channel names them. */
export const MEMBER_CHANNELS = ['pos', 'mini_program', 'app', 'delivery'] as const;
export type MemberChannel = (typeof MEMBER_CHANNELS)[number];

export const registerMemberSchema = z
  .object({
    phone: z.string().min(1).max(32).describe('a mainland-China mobile number'),
    name: z.string().trim().min(1).max(60).optional(),
    store: storeId.optional().describe('the store the member joined at'),
    channel: z.enum(MEMBER_CHANNELS).optional().describe('where the member joined; pos when not given'),
    externalIds: z.array(externalId).max(10).default([]),
  })
  .strict();

export const linkIdSchema = externalId;

export const memberLookupSchema = z
  .object({
    phone: z.string().max(32).optional(),
    kind: z.string().max(32).optional(),
    value: z.string().max(128).optional(),
  })
  .strict();

export const walletMoveSchema = z
  .object({ amount: amountSchema, store: storeId, reference: reference.optional() })
  .strict();

export const walletRefundSchema = z
  .object({
    entry: z.number().int().positive().describe('the payment (pay entry) refunded'),
    amount: amountSchema,
    store: storeId,
    reference: reference.optional(),
  })
  .strict();

export const entryRefSchema = z
  .object({
    entry: z.number().int().positive().describe('the entry undone'),
    reference: reference.optional(),
  })
  .strict();

export const pointsEarnSchema = z
  .object({
    amount: amountSchema.describe('what the member paid, in yuan: points are earned on it'),
    store: storeId,
    reference: reference.optional(),
  })
  .strict();

export const pointsRedeemSchema = z
  .object({
    points: z.number().int().positive().max(100_000_000),
    store: storeId,
    reference: reference.optional(),
  })
  .strict();

export const membershipJoinSchema = z
  .object({
    plan: z.string().min(1).max(32).describe('a plan id: annual (¥199 a year), monthly …'),
    store: storeId,
    reference: reference.optional(),
  })
  .strict();

export const membershipChangeSchema = z.object({ store: storeId, reference: reference.optional() }).strict();

/** A renewal: the plan of the last period unless another is named. */
export const membershipRenewSchema = membershipChangeSchema.extend({
  plan: z.string().min(1).max(32).optional(),
});

/** A paid-membership plan (付费会员卡): its price buys `months` of benefits. */
export interface MembershipPlan {
  id: string;
  label: { zh: string; en: string };
  price: string;
  months: number;
}

/** One paid period of a member: bought, renewed, refunded or run out. */
export interface Membership {
  id: number;
  plan: string;
  startsOn: string;
  endsOn: string;
  price: string;
  /** Paid back on a refund (pro rata by unused days); null while not refunded. */
  refunded: string | null;
  /** The last day of benefits when refunded early. */
  endedOn: string | null;
  entry: number;
}

/** Two records of one person made one: everything of `from` moves to the member the path names. */
export const mergeSchema = z
  .object({
    from: z
      .string()
      .regex(/^M\d{8}$/, 'a member code, M and eight digits')
      .describe('the member merged away'),
  })
  .strict();

/** A correction by hand: into or out of the principal or the bonus, always with a reason. */
export const adjustmentSchema = z
  .object({
    account: z.enum(['principal', 'bonus']),
    direction: z.enum(['in', 'out']).describe('in: the member gets money; out: it is taken back'),
    amount: amountSchema,
    reason: z
      .string()
      .trim()
      .min(4)
      .max(200)
      .describe('why, for the audit log: a ticket number, what went wrong'),
  })
  .strict();

export const decisionSchema = z.object({ approve: z.boolean() }).strict();

/** A manual adjustment: posted at once, or waiting for a second person when above the chain's limit. */
export interface Adjustment {
  id: number;
  member: string;
  account: 'principal' | 'bonus';
  /** Signed yuan: positive into the wallet, negative out. */
  amount: string;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  status: 'pending' | 'posted' | 'rejected';
  decidedBy: string | null;
  entry: number | null;
}

export const MEMBER_GENERATIONS = ['registered', 'wallet', 'paid'] as const;
export type MemberGeneration = (typeof MEMBER_GENERATIONS)[number];

/** A member as the API shows them: the phone masked unless the caller may see personal data. */
export interface Member {
  code: string;
  phone: string;
  name: string | null;
  generation: MemberGeneration;
  /** The spend grade: normal, or one of the chain's (silver, gold, diamond by default). */
  grade: string;
  homeStore: number | null;
  registeredAt: string;
  externalIds: { kind: string; value: string }[];
}

export interface WalletBalance {
  /** Principal plus bonus, yuan. */
  balance: string;
  principal: string;
  bonus: string;
}

/** One movement of a wallet: what changed, and the balance after it. */
export interface WalletEntry {
  entry: number;
  kind:
    | 'top_up'
    | 'pay'
    | 'refund'
    | 'reverse'
    | 'change'
    | 'membership'
    | 'membership_refund'
    | 'membership_earned'
    | 'merge_out'
    | 'merge_in'
    | 'breakage'
    | 'adjust';
  amount: string;
  principal: string;
  bonus: string;
  store: number | null;
  reference: string | null;
  reverses: number | null;
  at: string;
  after: WalletBalance;
}

export interface PointsEntry {
  entry: number;
  kind: 'earn' | 'redeem' | 'reverse' | 'expire' | 'merge_out' | 'merge_in';
  points: number;
  store: number | null;
  reference: string | null;
  at: string;
  /** Points left to spend after it. */
  balance: number;
  /** A reversal that found fewer points than it took back: those already spent. */
  shortfall?: number;
}

const labelSchema = z
  .object({ zh: z.string().trim().min(1).max(20), en: z.string().trim().min(1).max(40) })
  .strict();
const ruleId = z.string().regex(/^[a-z][a-z0-9_]{1,23}$/, 'lower-case letters, digits and _');

/**
 * How the chain runs its member center (会员规则), as the API shows and takes it: money in yuan text like
 * every amount of the API. Kept in the application store; the center reads it again within seconds.
 */
export const memberRulesSchema = z
  .object({
    topUpBonus: z
      .array(z.object({ from: amountSchema, bonus: amountSchema }).strict())
      .max(10)
      .describe('充值赠送: a top-up of at least `from` yuan gets `bonus`; the largest tier reached counts'),
    bonusSpend: z
      .enum(['proportional', 'principal_first'])
      .describe('how a payment uses bonus value: in proportion to the balance, or principal first'),
    bonusDormancyMonths: z
      .number()
      .int()
      .min(1)
      .max(120)
      .nullable()
      .describe(
        'bonus value lapses after this many months without a wallet movement; null: never (principal never lapses)',
      ),
    pointsPerYuan: z.number().int().min(0).max(100).describe('points per whole yuan paid'),
    pointsMultiplier: z
      .object({
        registered: z.number().min(0).max(10),
        wallet: z.number().min(0).max(10),
        paid: z.number().min(0).max(10),
      })
      .strict()
      .describe('points multiplier of each generation (paid members earn double by default)'),
    plans: z
      .array(
        z
          .object({
            id: ruleId,
            label: labelSchema,
            price: amountSchema,
            months: z.number().int().min(1).max(36),
          })
          .strict(),
      )
      .min(1)
      .max(10)
      .describe('paid-membership plans: price in yuan for a number of months'),
    membershipRefund: z.enum(['pro_rata', 'none']).describe('a refund pays back the unused days, or nothing'),
    adjustApprovalAbove: amountSchema.describe(
      'manual adjustments above this many yuan need a second person',
    ),
    grades: z
      .array(z.object({ id: ruleId, label: labelSchema, minSpend: amountSchema }).strict())
      .max(10)
      .describe('grades by spend over the last 12 months, lowest first; below the first: normal'),
  })
  .strict();
export type MemberRulesView = z.infer<typeof memberRulesSchema>;

/** One change in a member's history: joined, generation or grade changed, a member merged in or taken out. */
export interface MemberChange {
  at: string;
  change: 'registered' | 'generation' | 'grade' | 'merged' | 'unmerged';
  /** The generation or grade before; for a merge, the member merged in (or taken back out). */
  from: string | null;
  to: string;
}
