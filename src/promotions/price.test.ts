import { describe, expect, it } from 'vitest';
import { type PromotionInput, promotionSchema } from '../contract/index.js';
import { priceCart } from './index.js';
import type { PriceContext } from './scope.js';

/** The pricing engine (定价) on carts whose right answer is worked out by hand. */
const here: PriceContext = {
  store: 3,
  region: '华东',
  format: 'supermarket',
  channel: 'pos',
  tier: 'registered',
  day: '2026-12-01',
  hour: 19,
};
const promo = (p: PromotionInput) => promotionSchema.parse(p);
const name = (zh: string) => ({ zh, en: zh });
const price = (
  lines: { sku: number; qty: number; unitPrice: string }[],
  promotions: PromotionInput[],
  c = here,
) => priceCart(c, lines, promotions.map(promo));

describe('pricing a cart', () => {
  it('takes the highest 满减 tier reached and shares it over the lines by what they cost', () => {
    const answer = price(
      [
        { sku: 1, qty: 1, unitPrice: '200' },
        { sku: 2, qty: 2, unitPrice: '50' },
      ],
      [
        {
          id: 'mj',
          name: name('满200减30 满300减50'),
          kind: 'spend_save',
          tiers: [
            { spend: '200', save: '30' },
            { spend: '300', save: '50' },
          ],
        },
      ],
    );
    expect(answer).toMatchObject({ total: '300.00', saving: '50.00', final: '250.00' });
    expect(answer.lines.map((l) => l.discount)).toEqual(['33.33', '16.67']);
    expect(answer.lines[0]?.allocations).toEqual([{ promotion: 'mj', amount: '33.33' }]);
  });

  it('saves again for every multiple with 每满, up to its cap', () => {
    const each = {
      id: 'each',
      name: name('每满100减20'),
      kind: 'spend_save' as const,
      tiers: [{ spend: '100', save: '20' }],
      repeat: true,
    };
    expect(price([{ sku: 1, qty: 5, unitPrice: '51' }], [each]).saving).toBe('40.00');
    expect(price([{ sku: 1, qty: 5, unitPrice: '51' }], [{ ...each, maxTimes: 1 }]).saving).toBe('20.00');
  });

  it('finds the best set where applying every promotion by priority loses', () => {
    // 9折 comes first by priority and takes the units, so ¥30 off each cannot: greedy saves ¥20, leaving it out ¥60.
    const answer = price(
      [{ sku: 1, qty: 2, unitPrice: '100' }],
      [
        { id: 'nine', name: name('九折'), kind: 'percent_off', percent: 10, priority: 500, group: 'a' },
        { id: 'minus30', name: name('直降30'), kind: 'amount_off', amount: '30', group: 'b' },
      ],
    );
    expect(answer.saving).toBe('60.00');
    expect(answer.applied.map((a) => a.promotion)).toEqual(['minus30']);
    expect(answer.notApplied).toEqual([
      {
        promotion: 'nine',
        name: name('九折'),
        reason: 'not_in_best_combination',
        detail: { zh: '与其他活动同享时不再优惠', en: 'saves nothing more beside the promotions applied' },
      },
    ]);
  });

  it('keeps one of a stacking group and an exclusive promotion alone', () => {
    const answer = price(
      [{ sku: 1, qty: 1, unitPrice: '300' }],
      [
        { id: 'p20', name: name('八折'), kind: 'percent_off', percent: 20, group: 'discount' },
        { id: 'p10', name: name('九折'), kind: 'percent_off', percent: 10, group: 'discount' },
        { id: 'mj', name: name('满300减40'), kind: 'spend_save', tiers: [{ spend: '300', save: '40' }] },
        {
          id: 'solo',
          name: name('独享满300减90'),
          kind: 'spend_save',
          tiers: [{ spend: '300', save: '90' }],
          exclusive: true,
        },
      ],
    );
    // 八折 (60) then 满减 on ¥240 spends under 300: 60; 九折 + 满减 would be 30 + 0; exclusive 90 wins.
    expect(answer.applied.map((a) => a.promotion)).toEqual(['solo']);
    expect(answer.saving).toBe('90.00');
    expect(answer.notApplied.find((n) => n.promotion === 'p20')?.detail.zh).toBe(
      '与「独享满300减90」不能同享，后者更优惠',
    );
  });

  it('prices N件M元, 第二件半价, 买赠 and bundles', () => {
    const nForM = price(
      [
        { sku: 1, qty: 1, unitPrice: '5' },
        { sku: 2, qty: 1, unitPrice: '4' },
        { sku: 3, qty: 1, unitPrice: '3' },
        { sku: 4, qty: 1, unitPrice: '2' },
      ],
      [{ id: 'n3', name: name('3件10元'), kind: 'n_for_price', n: 3, price: '10' }],
    );
    // The three dearest (¥12) for ¥10; the fourth pays in full.
    expect(nForM.saving).toBe('2.00');
    expect(nForM.lines.map((l) => l.discount)).toEqual(['0.83', '0.67', '0.50', '0.00']);
    const half = price(
      [{ sku: 7, qty: 3, unitPrice: '10' }],
      [{ id: 'h', name: name('第二件半价'), kind: 'nth_discount', n: 2, percent: 50 }],
    );
    expect(half.saving).toBe('5.00');
    const gift = price(
      [
        { sku: 1, qty: 4, unitPrice: '20' },
        { sku: 9, qty: 3, unitPrice: '6.50' },
      ],
      [
        {
          id: 'g',
          name: name('买二赠一'),
          kind: 'buy_x_get_y',
          buy: 2,
          gift: 9,
          get: 1,
          scope: { skus: [1] },
        },
      ],
    );
    expect(gift.saving).toBe('13.00');
    expect(gift.lines[1]).toMatchObject({ discount: '13.00', final: '6.50' });
    const noGift = price(
      [{ sku: 1, qty: 4, unitPrice: '20' }],
      [{ id: 'g', name: name('买二赠一'), kind: 'buy_x_get_y', buy: 2, gift: 9, get: 1 }],
    );
    expect(noGift.notApplied[0]).toMatchObject({ reason: 'gift_not_in_cart' });
    const bundle = price(
      [
        { sku: 1, qty: 2, unitPrice: '10' },
        { sku: 2, qty: 1, unitPrice: '8' },
      ],
      [
        {
          id: 'b',
          name: name('组合价15元'),
          kind: 'bundle',
          items: [
            { sku: 1, qty: 1 },
            { sku: 2, qty: 1 },
          ],
          price: '15',
        },
      ],
    );
    expect(bundle.saving).toBe('3.00');
  });

  it('gives member prices to the tiers named, and says why others did not get them', () => {
    const memberPrice = {
      id: 'mp',
      name: name('付费会员价'),
      kind: 'member_price' as const,
      prices: [{ sku: 5, price: '7.90' }],
      scope: { tiers: ['paid' as const] },
    };
    const lines = [{ sku: 5, qty: 2, unitPrice: '9.90' }];
    expect(price(lines, [memberPrice], { ...here, tier: 'paid' }).saving).toBe('4.00');
    const registered = price(lines, [memberPrice]);
    expect(registered.saving).toBe('0.00');
    expect(registered.notApplied[0]).toMatchObject({
      reason: 'out_of_scope',
      detail: { zh: '会员类型不符' },
    });
    const late = price(lines, [{ ...memberPrice, scope: { hours: [8, 12] as [number, number] } }]);
    expect(late.notApplied[0]?.detail.en).toBe('not running at this time');
    const short = price(lines, [
      { id: 'mj', name: name('满50减5'), kind: 'spend_save', tiers: [{ spend: '50', save: '5' }] },
    ]);
    expect(short.notApplied[0]).toMatchObject({
      reason: 'threshold_not_met',
      detail: { zh: '还差 30.20 元' },
    });
  });

  it('refuses an over-precise or negative price naming the line', () => {
    expect(() => price([{ sku: 1, qty: 1, unitPrice: '9.999' }], [])).toThrow(/lines\[0\]\.unitPrice/);
    expect(() => price([{ sku: 1, qty: 1, unitPrice: '-1' }], [])).toThrow(/lines\[0\]\.unitPrice/);
  });
});

describe('pricing a cart with coupons', () => {
  const coupon = (code: string, template: Record<string, unknown>) => ({
    code,
    template: {
      id: 't',
      name: name('券'),
      kind: 'amount' as const,
      scope: {},
      validDays: 30,
      maxIssued: null,
      perMember: null,
      ...template,
    } as import('../contract/index.js').CouponTemplate,
  });
  it('applies a coupon after 满减 on what is left, one per template, and says why another is not used', () => {
    const answer = priceCart(
      here,
      [{ sku: 1, qty: 1, unitPrice: '220' }],
      [
        promo({
          id: 'mj',
          name: name('满200减30'),
          kind: 'spend_save',
          tiers: [{ spend: '200', save: '30' }],
        }),
      ],
      undefined,
      [
        coupon('AAAAAAAAAAAAAAAA', { id: 'c20', name: name('满180减20券'), amount: '20', minSpend: '180' }),
        coupon('BBBBBBBBBBBBBBBB', { id: 'c20', name: name('满180减20券'), amount: '20', minSpend: '180' }),
        coupon('CCCCCCCCCCCCCCCC', {
          id: 'p10',
          name: name('九折券最高15'),
          kind: 'percent',
          percent: 10,
          maxOff: '15',
          minSpend: '300',
        }),
      ],
    );
    // 满减 leaves ¥190 ≥ ¥180: one ¥20 coupon; the second of its template does not add; the 九折券 needs ¥300
    // of what is paid (¥170 after both).
    expect(answer.saving).toBe('50.00');
    expect(answer.applied.map((a) => a.promotion)).toEqual(['mj', 'coupon:AAAAAAAAAAAAAAAA']);
    expect(answer.notApplied.find((n) => n.promotion === 'coupon:BBBBBBBBBBBBBBBB')?.reason).toBe(
      'not_in_best_combination',
    );
    expect(answer.notApplied.find((n) => n.promotion === 'coupon:CCCCCCCCCCCCCCCC')).toMatchObject({
      reason: 'threshold_not_met',
      detail: { zh: '还差 130.00 元' },
    });
    const percent = priceCart(here, [{ sku: 1, qty: 2, unitPrice: '200' }], [], undefined, [
      coupon('CCCCCCCCCCCCCCCC', {
        id: 'p10',
        name: name('九折券最高15'),
        kind: 'percent',
        percent: 10,
        maxOff: '15',
        minSpend: '300',
      }),
    ]);
    // 10% of ¥400 is ¥40, capped at ¥15.
    expect(percent.saving).toBe('15.00');
  });

  it('gives one unit of a free-item coupon’s SKU free, at what it pays after the promotions, or says it is missing', () => {
    const free = coupon('FFFFFFFFFFFFFFFF', {
      id: 'milk',
      name: name('免费牛奶券'),
      kind: 'free_item',
      sku: 7,
      minSpend: '50',
    });
    const half = promo({
      id: 'half',
      name: name('牛奶第二件半价'),
      kind: 'nth_discount',
      n: 2,
      percent: 50,
      scope: { skus: [7] },
    });
    // Two milks at ¥12 (the second at ¥6) and ¥40 of bread: ¥58 paid after the promotion, ≥ ¥50; the dearer unit of
    // milk as paid is ¥9 (¥18 over 2 units), so the coupon takes ¥9 off the milk line.
    const answer = priceCart(
      here,
      [
        { sku: 7, qty: 2, unitPrice: '12' },
        { sku: 8, qty: 1, unitPrice: '40' },
      ],
      [half],
      undefined,
      [free],
    );
    expect(answer.saving).toBe('15.00');
    expect(answer.lines[0]?.allocations).toEqual(
      expect.arrayContaining([{ promotion: 'coupon:FFFFFFFFFFFFFFFF', amount: '9.00' }]),
    );
    const none = priceCart(here, [{ sku: 8, qty: 2, unitPrice: '40' }], [], undefined, [free]);
    expect(none.saving).toBe('0.00');
    expect(none.notApplied[0]).toMatchObject({
      reason: 'gift_not_in_cart',
      detail: { zh: '免费商品 7 不在购物车中' },
    });
  });

  it('weighs a coupon that does not combine with promotions (不与促销同享) against them, the better one applied', () => {
    const alone = coupon('SSSSSSSSSSSSSSSS', {
      id: 'solo',
      name: name('满100减40不同享'),
      amount: '40',
      minSpend: '100',
      withPromotions: false,
    });
    const mj = promo({
      id: 'mj',
      name: name('满100减30'),
      kind: 'spend_save',
      tiers: [{ spend: '100', save: '30' }],
    });
    const pct = promo({ id: 'pct', name: name('九五折'), kind: 'percent_off', percent: 5 });
    // ¥200: the promotions save ¥10 + ¥30 = ¥40 … ¥30 on ¥190 is ¥40 in all; the coupon alone saves ¥40 too:
    // on a tie, fewer wins (the coupon). On ¥400 the promotions save ¥20 + ¥30 = ¥50 and win.
    const small = priceCart(here, [{ sku: 1, qty: 1, unitPrice: '200' }], [mj, pct], undefined, [alone]);
    expect(small.saving).toBe('40.00');
    expect(small.applied.map((a) => a.promotion)).toEqual(['coupon:SSSSSSSSSSSSSSSS']);
    const big = priceCart(here, [{ sku: 1, qty: 1, unitPrice: '400' }], [mj, pct], undefined, [alone]);
    expect(big.saving).toBe('50.00');
    expect(big.applied.map((a) => a.promotion).sort()).toEqual(['mj', 'pct']);
    expect(big.notApplied.find((n) => n.promotion === 'coupon:SSSSSSSSSSSSSSSS')?.detail.zh).toMatch(
      /不能同享/,
    );
  });
});
