import type { CouponTemplate, NotApplied, PriceAnswer, Promotion } from '../contract/index.js';
import { toFen, yuan } from '../members/index.js';
import { bestSet } from './best.js';
import { type CouponRule, type Rule, ruleOf } from './rules.js';
import { covers, type Line, type PriceContext, runsFor } from './scope.js';

/** What the engine knows of a product, for scopes by category, brand or supplier. */
export interface ProductFacts {
  categories: string[];
  brand: string | null;
  supplier: number | null;
}

const NOTHING: ProductFacts = { categories: [], brand: null, supplier: null };

/** A coupon presented and found good, with its template. */
export interface PresentedCoupon {
  code: string;
  template: CouponTemplate;
}

/** A coupon as the engine applies it: money in fen, one of a template per cart. */
function couponRuleOf({ code, template: t }: PresentedCoupon): CouponRule {
  const fen = (value: unknown, field: string) => toFen(value, `${t.id}.${field}`);
  return {
    kind: 'coupon',
    id: `coupon:${code}`,
    name: t.name,
    scope: t.scope,
    group: `coupon:${t.id}`,
    exclusive: t.withPromotions === false,
    priority: 0,
    amount: t.kind === 'amount' ? fen(t.amount, 'amount') : null,
    percent: t.kind === 'percent' ? (t.percent ?? null) : null,
    maxOff: t.maxOff === undefined ? null : fen(t.maxOff, 'maxOff'),
    minSpend: t.minSpend === undefined ? 0 : fen(t.minSpend, 'minSpend'),
    freeSku: t.kind === 'free_item' ? (t.sku ?? null) : null,
  };
}

/** Why a promotion that runs here saved nothing on this cart, in words. */
function nothingSaved(
  rule: Rule,
  lines: Line[],
  /** What each line pays after the promotions applied: a threshold counts that. */
  paying: number[],
): { reason: NotApplied; detail: { zh: string; en: string } } {
  const inScope = lines.filter((l) => covers(rule, l));
  if (rule.kind === 'buy_x_get_y' && !lines.some((l) => l.sku === rule.gift))
    return {
      reason: 'gift_not_in_cart',
      detail: { zh: `赠品 ${rule.gift} 不在购物车中`, en: `the gift, SKU ${rule.gift}, is not in the cart` },
    };
  if (rule.kind === 'coupon' && rule.freeSku !== null && !lines.some((l) => l.sku === rule.freeSku))
    return {
      reason: 'gift_not_in_cart',
      detail: {
        zh: `免费商品 ${rule.freeSku} 不在购物车中`,
        en: `the free item, SKU ${rule.freeSku}, is not in the cart`,
      },
    };
  if ((rule.kind === 'spend_save' || rule.kind === 'coupon') && inScope.length) {
    const spent = lines.reduce((a, l, i) => (covers(rule, l) ? a + (paying[i] ?? 0) : a), 0);
    const short = (rule.kind === 'coupon' ? rule.minSpend : (rule.tiers[0]?.spend ?? 0)) - spent;
    return {
      reason: 'threshold_not_met',
      detail: { zh: `还差 ${yuan(short)} 元`, en: `${yuan(short)} short of the first tier` },
    };
  }
  return {
    reason: 'no_items',
    detail: { zh: '购物车中没有足够的适用商品', en: 'not enough items in the cart it covers' },
  };
}

/** Which of the promotion's conditions this cart's store, channel, member or time does not meet. */
function outOfScope(rule: Rule, c: PriceContext): { zh: string; en: string } {
  const s = rule.scope;
  if (s.stores && !s.stores.includes(c.store)) return { zh: '本门店不参加', en: 'not at this store' };
  if (
    (s.regions && !s.regions.includes(c.region ?? '')) ||
    (s.formats && !s.formats.includes(c.format ?? ''))
  )
    return { zh: '本门店所在区域或业态不参加', en: 'not in this store’s region or format' };
  if (s.channels && !(s.channels as string[]).includes(c.channel))
    return { zh: '本渠道不参加', en: 'not on this channel' };
  if (s.tiers && !(s.tiers as string[]).includes(c.tier))
    return { zh: '会员类型不符', en: 'not for this member type' };
  return { zh: '不在活动时间内', en: 'not running at this time' };
}

/**
 * Prices a cart (定价): the best valid set of the promotions that run for it, every discount shared out to
 * the lines (分摊) in whole fen, and for every other promotion the reason it did not apply. Deterministic, and
 * independent of the order the lines come in.
 */
export function priceCart(
  context: PriceContext,
  input: { sku: number; qty: number; unitPrice: unknown }[],
  promotions: Promotion[],
  productOf: (sku: number) => ProductFacts | undefined = () => undefined,
  coupons: PresentedCoupon[] = [],
): PriceAnswer {
  const given = input.map((l, i) => ({
    at: i,
    line: {
      sku: l.sku,
      qty: l.qty,
      unit: toFen(l.unitPrice, `lines[${i}].unitPrice`),
      ...(productOf(l.sku) ?? NOTHING),
    } as Line,
  }));
  // Canonical order: by SKU, price, quantity — then the answer is the same whatever order the till sent.
  const order = [...given].sort(
    (a, b) => a.line.sku - b.line.sku || a.line.unit - b.line.unit || a.line.qty - b.line.qty || a.at - b.at,
  );
  const lines = order.map((g) => g.line);
  const rules: Rule[] = [...promotions.map(ruleOf), ...coupons.map(couponRuleOf)];
  const running = rules.filter((r) => runsFor(r, context));
  const choice = bestSet(lines, running);
  const chosen = new Set(choice.rules.map((r) => r.id));
  const named = new Map<string, { zh: string; en: string }>(rules.map((r) => [r.id, r.name]));
  const lineOff = lines.map(() => 0);
  const allocations = lines.map(() => [] as { promotion: string; amount: string }[]);
  const applied: PriceAnswer['applied'] = [];
  for (const rule of choice.rules) {
    const shares = choice.outcome.shares.get(rule.id) ?? [];
    const saving = shares.reduce((a, b) => a + b, 0);
    if (saving === 0) continue;
    applied.push({ promotion: rule.id, name: rule.name, saving: yuan(saving) });
    shares.forEach((d, i) => {
      if (!d) return;
      lineOff[i] = (lineOff[i] ?? 0) + d;
      allocations[i]?.push({ promotion: rule.id, amount: yuan(d) });
    });
  }
  const notApplied: PriceAnswer['notApplied'] = [];
  for (const rule of rules) {
    if (chosen.has(rule.id) && applied.some((a) => a.promotion === rule.id)) continue;
    const name = named.get(rule.id) ?? rule.name;
    if (!runsFor(rule, context)) {
      notApplied.push({
        promotion: rule.id,
        name,
        reason: 'out_of_scope',
        detail: outOfScope(rule, context),
      });
      continue;
    }
    if ((choice.alone.get(rule.id) ?? 0) === 0) {
      notApplied.push({
        promotion: rule.id,
        name,
        ...nothingSaved(
          rule,
          lines,
          lines.map((l, i) => l.unit * l.qty - (lineOff[i] ?? 0)),
        ),
      });
      continue;
    }
    const rival = choice.rules.find((r) => r.exclusive || rule.exclusive || r.group === rule.group);
    notApplied.push({
      promotion: rule.id,
      name,
      reason: 'not_in_best_combination',
      detail: rival
        ? {
            zh: `与「${rival.name.zh}」不能同享，后者更优惠`,
            en: `does not combine with “${rival.name.en}”, which saves more`,
          }
        : { zh: '与其他活动同享时不再优惠', en: 'saves nothing more beside the promotions applied' },
    });
  }
  // Back in the order the lines came.
  const priced = order
    .map((g, k) => ({ at: g.at, line: g.line, off: lineOff[k] ?? 0, allocations: allocations[k] ?? [] }))
    .sort((a, b) => a.at - b.at)
    .map(({ line, off, allocations: shares }) => ({
      sku: line.sku,
      qty: line.qty,
      unitPrice: yuan(line.unit),
      amount: yuan(line.unit * line.qty),
      discount: yuan(off),
      final: yuan(line.unit * line.qty - off),
      allocations: shares,
    }));
  const total = lines.reduce((a, l) => a + l.unit * l.qty, 0);
  return {
    lines: priced,
    total: yuan(total),
    saving: yuan(choice.outcome.saving),
    final: yuan(total - choice.outcome.saving),
    applied,
    notApplied,
  };
}
