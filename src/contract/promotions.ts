import { z } from 'zod';

/**
 * The promotion center's shapes (促销中台): promotions as data, a cart to price, and the priced answer. Money
 * is whole fen inside the engine; the API takes and answers yuan text like every amount of the API.
 */
const yuanText = z.union([z.string().max(20), z.number()]).describe('yuan, at most two decimals: "12.30"');
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, _ and -');
/** A promotion's, a coupon's or a sale's name as shoppers see it, in both languages. */
const nameSchema = z.object({ zh: z.string().min(1).max(60), en: z.string().min(1).max(80) }).strict();
const ids = (what: string) => z.array(z.number().int().positive()).max(10_000).optional().describe(what);
const names = (what: string) => z.array(z.string().min(1).max(64)).max(1_000).optional().describe(what);

/** Where, when and for whom a promotion holds; a field left out holds for all. */
export const promotionScopeSchema = z
  .object({
    skus: ids('SKUs it covers'),
    categories: names('categories (any level) it covers'),
    brands: names('brands it covers'),
    suppliers: ids('suppliers whose products it covers'),
    stores: ids('stores it runs in'),
    regions: names('regions it runs in'),
    formats: names('store formats it runs in'),
    channels: z
      .array(z.enum(['pos', 'self_checkout', 'scan_and_go', 'mini_program', 'app', 'delivery']))
      .max(6)
      .optional(),
    tiers: z
      .array(z.enum(['non_member', 'registered', 'wallet', 'paid']))
      .max(4)
      .optional()
      .describe('who may have it: non_member, registered, wallet, paid'),
    from: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional()
      .describe('first day (chain time)'),
    to: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional()
      .describe('last day'),
    hours: z
      .tuple([z.number().int().min(0).max(23), z.number().int().min(1).max(24)])
      .optional()
      .describe('[from, to) hours of the day, e.g. [18, 22] for 18:00–22:00'),
  })
  .strict();

const common = {
  id,
  name: nameSchema,
  scope: promotionScopeSchema.default({}),
  group: z
    .string()
    .min(1)
    .max(40)
    .optional()
    .describe('stacking group: at most one promotion of a group applies to a cart; without one, it stacks'),
  exclusive: z.boolean().default(false).describe('when it applies, no other promotion does'),
  priority: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .default(100)
    .describe('higher first, when item promotions compete'),
};

const tiers = z
  .array(z.object({ spend: yuanText, save: yuanText }).strict())
  .min(1)
  .max(10)
  .describe('满减: spend at least `spend`, save `save` (the highest tier reached)');

export const promotionSchema = z.discriminatedUnion('kind', [
  z
    .object({ ...common, kind: z.literal('percent_off'), percent: z.number().int().min(1).max(99) })
    .strict()
    .describe('percent off every unit in scope (打折): 20 = 20% off'),
  z
    .object({ ...common, kind: z.literal('amount_off'), amount: yuanText })
    .strict()
    .describe('an amount off every unit in scope (直降)'),
  z
    .object({
      ...common,
      kind: z.literal('spend_save'),
      tiers,
      repeat: z.boolean().default(false).describe('每满: save again for every multiple of the (single) tier'),
      maxTimes: z.number().int().min(1).max(1000).optional(),
    })
    .strict()
    .describe('满减 on what the cart spends in scope, after item promotions'),
  z
    .object({
      ...common,
      kind: z.literal('n_for_price'),
      n: z.number().int().min(2).max(20),
      price: yuanText,
    })
    .strict()
    .describe('N件M元: any n units in scope for `price` (the dearest units first)'),
  z
    .object({
      ...common,
      kind: z.literal('nth_discount'),
      n: z.number().int().min(2).max(10),
      percent: z.number().int().min(1).max(100),
    })
    .strict()
    .describe('第二件半价: every n-th unit of one SKU at `percent` off (n 2, percent 50)'),
  z
    .object({
      ...common,
      kind: z.literal('buy_x_get_y'),
      buy: z.number().int().min(1).max(100),
      gift: z.number().int().positive().describe('the SKU given'),
      get: z.number().int().min(1).max(100),
    })
    .strict()
    .describe('买赠: for every `buy` units in scope, `get` units of the gift SKU free (when in the cart)'),
  z
    .object({
      ...common,
      kind: z.literal('member_price'),
      prices: z
        .array(z.object({ sku: z.number().int().positive(), price: yuanText }).strict())
        .min(1)
        .max(10_000),
    })
    .strict()
    .describe('会员价: these SKUs at these prices for the tiers in scope'),
  z
    .object({
      ...common,
      kind: z.literal('bundle'),
      items: z
        .array(z.object({ sku: z.number().int().positive(), qty: z.number().int().min(1).max(20) }).strict())
        .min(2)
        .max(10),
      price: yuanText,
    })
    .strict()
    .describe('组合价: the items together for `price`'),
]);
export type PromotionInput = z.input<typeof promotionSchema>;
export type Promotion = z.output<typeof promotionSchema>;

export const cartLineSchema = z
  .object({
    sku: z.number().int().positive(),
    qty: z.number().int().min(1).max(10_000),
    unitPrice: yuanText,
  })
  .strict();

export const priceRequestSchema = z
  .object({
    store: z.number().int().positive(),
    channel: z.enum(['pos', 'self_checkout', 'scan_and_go', 'mini_program', 'app', 'delivery']),
    member: z
      .string()
      .regex(/^M\d{8}$/)
      .optional()
      .describe('the member code; their tier decides member prices'),
    at: z.string().max(40).optional().describe('when (ISO 8601); now when not given'),
    coupons: z
      .array(z.string().regex(/^[A-Z0-9]{16}$/, 'a coupon code: 16 letters and digits'))
      .max(10)
      .optional()
      .describe('coupon codes the customer presents'),
    lines: z.array(cartLineSchema).min(1).max(500),
  })
  .strict();

/** Why a promotion of the cart's store and day did not apply. */
export type NotApplied =
  | 'out_of_scope'
  | 'no_items'
  | 'threshold_not_met'
  | 'gift_not_in_cart'
  | 'not_in_best_combination'
  | 'budget_spent'
  | 'limit_reached'
  | 'coupon_not_valid';

export interface PricedLine {
  sku: number;
  qty: number;
  unitPrice: string;
  amount: string;
  discount: string;
  final: string;
  /** Each promotion's share of this line's discount (分摊): a return refunds what the line was paid. */
  allocations: { promotion: string; amount: string }[];
}

export interface PriceAnswer {
  lines: PricedLine[];
  total: string;
  saving: string;
  final: string;
  applied: { promotion: string; name: { zh: string; en: string }; saving: string }[];
  notApplied: {
    promotion: string;
    name: { zh: string; en: string };
    reason: NotApplied;
    detail: { zh: string; en: string };
  }[];
}

/** A promotion as it is kept: its definition, whether it runs, and the caps on what it may give. */
export const promotionRecordSchema = z
  .object({
    promotion: promotionSchema,
    active: z.boolean().default(true),
    budget: yuanText
      .nullable()
      .default(null)
      .describe('the most it may give away in all, yuan; null: no cap'),
    maxUses: z
      .number()
      .int()
      .min(1)
      .max(100_000_000)
      .nullable()
      .default(null)
      .describe('the most carts it may apply to'),
    perMember: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .nullable()
      .default(null)
      .describe('the most times one member may have it'),
  })
  .strict();
export type PromotionRecordInput = z.input<typeof promotionRecordSchema>;

export interface PromotionRecord {
  promotion: Promotion;
  active: boolean;
  budget: string | null;
  spent: string;
  maxUses: number | null;
  uses: number;
  perMember: number | null;
}

export const checkoutSchema = priceRequestSchema.extend({
  reference: z.string().min(1).max(64).optional().describe('the till’s own order number'),
});

export const returnSchema = z
  .object({
    checkout: z.number().int().positive(),
    lines: z
      .array(z.object({ line: z.number().int().min(1), qty: z.number().int().min(1) }).strict())
      .min(1)
      .max(500)
      .describe('line numbers of the checkout (from 1) and how many units come back'),
  })
  .strict();

export interface CheckoutAnswer extends PriceAnswer {
  checkout: number;
  at: string;
}

export interface ReturnAnswer {
  checkout: number;
  lines: { line: number; qty: number; refund: string }[];
  refund: string;
}

/**
 * A coupon template (券模板): what a coupon of it takes off — an amount once the cart spends enough in its
 * scope (满减券), or a percent of what is spent there with a cap (折扣券) — and how long a coupon lasts.
 */
export const couponTemplateSchema = z
  .object({
    id,
    name: nameSchema,
    kind: z.enum(['amount', 'percent', 'free_item']),
    amount: yuanText.optional().describe('amount coupons: yuan off'),
    sku: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('free-item coupons (免费商品券): one unit of this SKU free'),
    withPromotions: z
      .boolean()
      .default(true)
      .describe('false: 不与促销同享 — the coupon alone, or the promotions, whichever saves more'),
    percent: z.number().int().min(1).max(99).optional().describe('percent coupons: percent off'),
    maxOff: yuanText.optional().describe('percent coupons: the most taken off'),
    minSpend: yuanText.optional().describe('spent in scope at least this much (after promotions)'),
    scope: promotionScopeSchema.default({}),
    validDays: z.number().int().min(1).max(3660).default(30).describe('days a coupon lasts from issue'),
    maxIssued: z
      .number()
      .int()
      .min(1)
      .max(100_000_000)
      .nullable()
      .default(null)
      .describe('the most coupons issued'),
    perMember: z
      .number()
      .int()
      .min(1)
      .max(100)
      .nullable()
      .default(null)
      .describe('the most one member may claim'),
    paidMonthly: z
      .number()
      .int()
      .min(1)
      .max(31)
      .optional()
      .describe(
        'paid members get this many each month (付费会员月度券): at once when their membership starts, then on each month’s first sweep; unused ones are voided when it ends',
      ),
  })
  .strict()
  .refine(
    (t) =>
      t.kind === 'amount'
        ? t.amount !== undefined
        : t.kind === 'percent'
          ? t.percent !== undefined
          : t.sku !== undefined,
    {
      message: 'an amount coupon needs amount, a percent coupon percent, a free-item coupon sku',
      path: ['kind'],
    },
  );
export type CouponTemplate = z.output<typeof couponTemplateSchema>;
export type CouponTemplateInput = z.input<typeof couponTemplateSchema>;

export const couponIssueSchema = z
  .object({
    template: id,
    members: z
      .array(z.string().regex(/^M\d{8}$/))
      .max(100_000)
      .optional()
      .describe('issue one to each member'),
    count: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .describe('or this many, to no one (printed, shared)'),
  })
  .strict()
  .refine((b) => Boolean(b.members?.length) !== Boolean(b.count), {
    message: 'give members or a count, not both',
    path: ['members'],
  });

export const couponClaimSchema = z.object({ template: id, member: z.string().regex(/^M\d{8}$/) }).strict();

export interface Coupon {
  code: string;
  template: string;
  member: string | null;
  validFrom: string;
  validTo: string;
  state: 'issued' | 'redeemed' | 'void';
  checkout: number | null;
}

/** A flash sale (秒杀): one SKU at a price, a stock cap, a limit per member, a window, a time to pay. */
export const flashSaleSchema = z
  .object({
    id,
    name: nameSchema,
    sku: z.number().int().positive(),
    price: yuanText,
    stock: z.number().int().min(1).max(10_000_000),
    perMember: z.number().int().min(1).max(100).default(1),
    startsAt: z.string().max(40).describe('ISO 8601'),
    endsAt: z.string().max(40).describe('ISO 8601'),
    payMinutes: z
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(15)
      .describe('an order not paid in this time is released'),
    store: z.number().int().positive().optional().describe('the store it sells from; any when not given'),
  })
  .strict();
export type FlashSaleInput = z.input<typeof flashSaleSchema>;

export const flashOrderSchema = z
  .object({ member: z.string().regex(/^M\d{8}$/), qty: z.number().int().min(1).max(100).default(1) })
  .strict();

export interface FlashOrder {
  order: number;
  sale: string;
  member: string;
  qty: number;
  price: string;
  state: 'pending' | 'paid' | 'released';
  payBy: string;
}

export interface FlashSaleState {
  sale: z.output<typeof flashSaleSchema>;
  sold: number;
  paid: number;
  left: number;
}

/** A group deal (拼团): a SKU at a group price once `size` members join within `hours`. */
export const groupDealSchema = z
  .object({
    id,
    name: nameSchema,
    sku: z.number().int().positive(),
    price: yuanText.describe('the group price each member pays'),
    size: z.number().int().min(2).max(100),
    hours: z.number().int().min(1).max(168).default(24),
  })
  .strict();
export type GroupDealInput = z.input<typeof groupDealSchema>;

export const groupJoinSchema = z.object({ member: z.string().regex(/^M\d{8}$/) }).strict();

export interface GroupBuy {
  group: number;
  deal: string;
  size: number;
  joined: number;
  state: 'open' | 'succeeded' | 'failed';
  expiresAt: string;
  members: { member: string; amount: string; state: 'paid' | 'confirmed' | 'refunded' }[];
}

const instant = z.string().max(40).describe('ISO 8601');
/**
 * A pre-sale (预售): a deposit (定金) taken in one window that counts for more at the balance (定金膨胀, e.g. ¥50
 * worth ¥100), the balance (尾款 = price − worth) paid in a later window. A deposit may be taken back before the
 * balance window opens when the sale allows it; a balance not paid in its window forfeits the deposit (定金不退)
 * unless the sale refunds it.
 */
export const presaleSchema = z
  .object({
    id,
    name: nameSchema,
    sku: z.number().int().positive(),
    price: yuanText.describe('the pre-sale price of one unit'),
    deposit: yuanText.describe('the deposit paid now per unit (定金)'),
    depositWorth: yuanText.describe(
      'what the deposit counts for at the balance (定金膨胀), at least the deposit',
    ),
    stock: z.number().int().min(1).max(10_000_000),
    perMember: z.number().int().min(1).max(100).default(1),
    depositFrom: instant,
    depositTo: instant,
    balanceFrom: instant,
    balanceTo: instant,
    cancelBeforeBalance: z
      .boolean()
      .default(true)
      .describe('a deposit may be taken back, refunded in full, until the balance window opens'),
    refundUnpaid: z
      .boolean()
      .default(false)
      .describe('refund the deposit when the balance is not paid in time (else it is kept: 定金不退)'),
  })
  .strict();
export type PresaleInput = z.input<typeof presaleSchema>;

export const presaleDepositSchema = flashOrderSchema;

export interface PresaleOrder {
  order: number;
  presale: string;
  member: string;
  qty: number;
  /** Paid now. */
  deposit: string;
  /** What the deposit counts for at the balance. */
  worth: string;
  /** Due in the balance window: qty × price − worth. */
  balance: string;
  state: 'deposited' | 'paid' | 'cancelled' | 'forfeited' | 'refunded';
  balanceFrom: string;
  balanceTo: string;
}

export interface PresaleState {
  presale: z.output<typeof presaleSchema>;
  /** Units held by deposits not yet settled, and by balances paid. */
  deposited: number;
  paid: number;
  left: number;
  /** Deposits kept because the balance was not paid (定金不退), yuan. */
  forfeited: string;
}
