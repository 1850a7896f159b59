import type { Promotion } from '../contract/index.js';
import { toFen } from '../members/index.js';

/**
 * A promotion as the engine reads it: money in whole fen, checked once when the promotion is read. The
 * engine never sees yuan text.
 */
type Fen<P, K extends keyof P> = Omit<P, K> & { [Key in K]: number };
type Of<K extends Promotion['kind']> = Extract<Promotion, { kind: K }> & { group: string };

export type Rule =
  | Of<'percent_off'>
  | Fen<Of<'amount_off'>, 'amount'>
  | (Omit<Of<'spend_save'>, 'tiers'> & { tiers: { spend: number; save: number }[] })
  | Fen<Of<'n_for_price'>, 'price'>
  | Of<'nth_discount'>
  | Of<'buy_x_get_y'>
  | (Omit<Of<'member_price'>, 'prices'> & { prices: Map<number, number> })
  | Fen<Of<'bundle'>, 'price'>
  | CouponRule;

/** A coupon presented with the cart, as the engine applies it: after 满减, on what is left to pay in its scope. */
export interface CouponRule {
  kind: 'coupon';
  id: string;
  name: { zh: string; en: string };
  scope: Promotion['scope'];
  /** One coupon of a template per cart. */
  group: string;
  /** 不与促销同享: it stands alone against the promotions, as an exclusive promotion does. */
  exclusive: boolean;
  priority: 0;
  amount: number | null;
  percent: number | null;
  maxOff: number | null;
  minSpend: number;
  /** A free-item coupon (免费商品券): one unit of this SKU, at what it pays after the promotions, free. */
  freeSku: number | null;
}

/** Item promotions price units, each unit at most once; order promotions (满减) take off what the cart spends. */
export const isOrderLevel = (rule: Rule) => rule.kind === 'spend_save' || rule.kind === 'coupon';

/** Promotions are read once, not on every cart: the server prices thousands of carts with the same set. */
const read = new WeakMap<Promotion, Rule>();

export function ruleOf(promotion: Promotion): Rule {
  const known = read.get(promotion);
  if (known) return known;
  const rule = readRule(promotion);
  read.set(promotion, rule);
  return rule;
}

function readRule(promotion: Promotion): Rule {
  // A promotion of no stacking group is a group of its own: it stacks with every other.
  const p = { ...promotion, group: promotion.group ?? `#${promotion.id}` };
  const fen = (value: unknown, field: string) => toFen(value, `${p.id}.${field}`);
  switch (p.kind) {
    case 'amount_off':
      return { ...p, amount: fen(p.amount, 'amount') };
    case 'spend_save':
      return {
        ...p,
        tiers: p.tiers
          .map((t, i) => ({
            spend: fen(t.spend, `tiers[${i}].spend`),
            save: fen(t.save, `tiers[${i}].save`),
          }))
          .sort((a, b) => a.spend - b.spend),
      };
    case 'n_for_price':
    case 'bundle':
      return { ...p, price: fen(p.price, 'price') };
    case 'member_price':
      return { ...p, prices: new Map(p.prices.map((x, i) => [x.sku, fen(x.price, `prices[${i}].price`)])) };
    default:
      return p;
  }
}
