import { z } from 'zod';

/**
 * Member analytics and campaign evaluation as the API answers them (会员分析、营销效果评估): what the insights compute
 * and the web app draws.
 */

/**
 * The tier funnel month by month: how many members stood at each stage at the month's end, how many moved up in
 * the month and what share of those who could, and how many paid periods ran out and were renewed.
 */
export interface FunnelMonth {
  month: string;
  /** At the month's end: members registered, reached wallet, reached paid (each stage counts those beyond it). */
  registered: number;
  wallet: number;
  paid: number;
  joined: number;
  toWallet: number;
  toPaid: number;
  /** Upgrades ÷ members below that stage at the month's start (null when none could). */
  walletRate: number | null;
  paidRate: number | null;
  /** Paid periods ending in the month (a year after they began) and those renewed. */
  renewalsDue: number;
  renewed: number;
  renewalRate: number | null;
}

/** Conversion over a span of months by registration channel, home store or recruiting clerk. */
export type FunnelBy = 'channel' | 'store' | 'clerk';

export interface FunnelGroup {
  key: string;
  label: string;
  /** Members who joined in the span, and of them those who reached wallet and paid by its end. */
  joined: number;
  wallet: number;
  paid: number;
}

/**
 * Do members who upgrade spend more because they upgraded, or did they spend more anyway? For each month of the
 * span, the members who reached the stage that month (treated) against members registered as long who had not
 * reached it by the end of the comparison (control): spend in the `days` before the month against the `days`
 * after it (the month of the upgrade itself left out), compared within the same home store, tenure band and band
 * of prior spend — so "paid members spend more" is measured on like members, not assumed.
 */
export interface UpgradeEffect {
  stage: 'wallet' | 'paid';
  days: number;
  treated: number;
  control: number;
  /** Extra spend per upgraded member in the `days` after, with a 95% bootstrap interval. */
  lift: number | null;
  low: number | null;
  high: number | null;
  /** What a naive comparison says: the upgraded's spend after less the others' (not like for like). */
  naive: number | null;
  preTreated: number | null;
  preControl: number | null;
  /** Months whose comparison runs past the data, left out. */
  monthsLeftOut: string[];
  /** Controls were a random share of the eligible members (the rest would only slow the answer). */
  controlShare: number;
}

/**
 * Clerk attribution (导购): each employee's recruits — members who named the employee when they joined — and what
 * they brought in a span of days: how many joined, how many bought and bought again, their sales, and how many
 * moved up a tier. Ranked within each store by the recruits' sales.
 */
export interface ClerkResult {
  employee: number;
  name: string;
  store: number;
  storeName: string;
  rank: number;
  /** Recruits ever, and those who joined in the span. */
  recruits: number;
  joined: number;
  buyers: number;
  repeaters: number;
  sales: number;
  upgrades: number;
}

export type Design = 'holdout' | 'diff_in_diff' | 'difference';

/**
 * Every campaign on one standard (营销效果评估): its cost, its cycle, whom it reached, how many redeemed, and the sales
 * and gross profit it added beyond what its members would have bought anyway — against its randomised hold-out
 * where it kept one, else against comparable members it did not target (difference in differences over a
 * pre-period as long as the campaign). What weakens an answer (no hold-out, a pre-period outside the data, members
 * other campaigns reached at the same time, unknown costs) is said in its notes, never left out.
 */
export interface CampaignEvaluation {
  campaign: number;
  name: string;
  type: string;
  start: string;
  end: string;
  design: Design | 'none';
  /** Members the campaign aimed at. */
  targeted: number;
  /** Targeted members in the comparison (a comparison without hold-out keeps those who bought in the year). */
  analysed: number;
  control: number;
  /** Coupons redeemed, and the members who redeemed one as a share of the targeted. */
  redemptions: number;
  redemptionRate: number | null;
  /** Median days from a coupon's issue (or the campaign's start) to its redemption. */
  daysToRedeem: number | null;
  liftPerMember: number | null;
  liftLow: number | null;
  liftHigh: number | null;
  incrementalSales: number | null;
  /** Null where the data has no costs of goods. */
  incrementalGrossProfit: number | null;
  /** Coupon faces redeemed plus the campaign's other costs, in yuan as exact text; null where unknown. */
  cost: string | null;
  /** Incremental gross profit ÷ cost. */
  roi: number | null;
  preTargeted: number | null;
  preControl: number | null;
  /** Targeted members also targeted by another campaign running at the same time. */
  overlap: number;
  notes: string[];
}

/**
 * A campaign's targeted against its control day by day — net sales per member of each group, from a pre-period as
 * long as the campaign to as long after it — for the campaign's page: where the two lines part is the campaign's
 * effect. Unadjusted means (the lift adjusts for prior spend); the groups are the evaluation's.
 */
export interface CampaignSeries {
  campaign: number;
  name: string;
  start: string;
  end: string;
  design: 'holdout' | 'comparison';
  targeted: number;
  control: number;
  days: { date: string; targeted: number; control: number }[];
}

/**
 * Cohorts (同期群): members grouped by the month they first bought (or registered), followed month by month —
 * the share who bought again in each later month (retention) and the net spend per member of the cohort.
 * Months are calendar months of the chain's dates; month 0 is the cohort's own.
 */
export interface Cohort {
  /** YYYY-MM */
  month: string;
  members: number;
  /** Per month after the cohort's (0, 1, …): members with a completed order that month. */
  active: number[];
  /** Per month after: net spend of the cohort's members that month, yuan. */
  spend: number[];
}

/** Members, spend and value per RFM segment and per CLV band, as last scored (GET /api/v1/member-analytics/segments). */
export interface SegmentsAnswer {
  asOf: string | null;
  segments: {
    segment: string;
    label: { zh: string; en: string };
    /** Whether recency, frequency and money are each better than the members' average in this segment. */
    r: boolean;
    f: boolean;
    m: boolean;
    members: number;
    /** Spend in the year to the scoring day, yuan as exact text. */
    monetary: string;
    recency: number | null;
    frequency: number | null;
  }[];
  bands: { band: string; label: { zh: string; en: string }; members: number; value: string }[];
  /** Each valued member's expected spend over the next year (for a histogram). */
  values: number[];
}

export interface ScoredMember {
  member: number;
  code: string | null;
  store: string | null;
  tier: string | null;
  registeredAt: string | null;
  recencyDays: number | null;
  frequency: number;
  monetary: string;
  segment: string | null;
  pAlive: number | null;
  expectedValue: string | null;
  band: string | null;
}

export interface MemberHistoryAnswer {
  member: {
    member: number;
    code: string | null;
    tier: string;
    registeredAt: string;
    channel: string;
    store: string | null;
    recruitedBy: string | null;
  };
  months: { month: string; orders: number; net: string }[];
  orders: { order: string; ts: string; store: string | null; channel: string; status: string; net: string }[];
  events: { date: string; type: string }[];
}

/** The RFM segments' ids (src/insights/rfm), for rules and filters. */
export const RFM_SEGMENT_IDS = [
  'important_value',
  'important_develop',
  'important_keep',
  'important_win_back',
  'general_value',
  'general_develop',
  'general_keep',
  'general_win_back',
] as const;

/** The catalogue dimensions an audience can ask "bought any of these" of, in the days before the last sales day. */
export const AUDIENCE_BOUGHT_DIMENSIONS = [
  'category_l1',
  'category_l2',
  'category_l3',
  'brand',
  'supplier',
  'store',
  'region',
  'city',
  'format',
  'channel',
] as const;

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');

/**
 * Who an audience holds (人群圈选): members meeting every condition given (none given: every member in the
 * creator's stores). Values are matched, never pasted into SQL.
 */
export const audienceRuleSchema = z
  .object({
    segments: z
      .array(z.enum(RFM_SEGMENT_IDS))
      .min(1)
      .max(8)
      .optional()
      .describe('RFM segments (as last scored)'),
    bands: z
      .array(z.enum(['high', 'medium', 'low']))
      .min(1)
      .max(3)
      .optional()
      .describe('lifetime-value bands'),
    tiers: z
      .array(z.enum(['registered', 'wallet', 'paid']))
      .min(1)
      .max(3)
      .optional(),
    channels: z.array(z.string().min(1).max(32)).min(1).max(20).optional().describe('registration channels'),
    stores: z.array(z.number().int().positive()).min(1).max(5000).optional().describe('home stores'),
    registeredFrom: month.optional().describe('cohort: registered in this month or later'),
    registeredTo: month.optional().describe('cohort: registered in this month or earlier'),
    minSpend: z.number().min(0).max(1e9).optional().describe('spend in the scoring year at least (yuan)'),
    maxRecencyDays: z.number().int().min(0).max(3660).optional().describe('bought within this many days'),
    minRecencyDays: z
      .number()
      .int()
      .min(0)
      .max(3660)
      .optional()
      .describe('no purchase for at least this many days'),
    campaign: z
      .object({
        id: z.number().int().positive().max(2_147_483_647),
        response: z.enum(['targeted', 'redeemed', 'not_redeemed', 'holdout']),
      })
      .strict()
      .optional()
      .describe(
        "a campaign's response: targeted, redeemed a coupon, targeted without redeeming, or its hold-out",
      ),
    bought: z
      .object({
        dimension: z.enum(AUDIENCE_BOUGHT_DIMENSIONS),
        values: z.array(z.string().min(1).max(100)).min(1).max(200),
        days: z.number().int().min(1).max(730).default(90),
      })
      .strict()
      .optional()
      .describe('bought any of these values of a catalogue dimension in the last `days` days'),
  })
  .strict();
export type AudienceRule = z.output<typeof audienceRuleSchema>;

export const audienceInputSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    rule: audienceRuleSchema,
    /** daily: refreshed each day after the night's loads; manual: when asked. */
    schedule: z.enum(['daily', 'manual']).default('daily'),
  })
  .strict();

export interface Audience {
  id: number;
  name: string;
  rule: AudienceRule;
  owner: string;
  /** The stores the audience is kept within (its creator's grant); null: every store. */
  stores: number[] | null;
  schedule: 'daily' | 'manual';
  createdAt: string;
  refreshedAt: string | null;
  size: number;
}
