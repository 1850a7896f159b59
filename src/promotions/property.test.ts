import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PromotionInput, promotionSchema } from '../contract/index.js';
import { evaluate } from './apply.js';
import { bestSet } from './best.js';
import { priceCart } from './price.js';
import { isOrderLevel, type Rule, ruleOf } from './rules.js';
import type { Line, PriceContext } from './scope.js';

/**
 * The engine's promises on random promotion sets and carts: no line below zero, allocations adding up to the
 * saving, the set chosen as good as every valid set (checked by pricing them all), and one answer whatever
 * the order of the lines.
 */
const here: PriceContext = {
  store: 1,
  region: '华东',
  format: 'supermarket',
  channel: 'pos',
  tier: 'paid',
  day: '2026-12-01',
  hour: 12,
};
const sku = fc.integer({ min: 1, max: 5 });
const yuanOf = (fen: number) => (fen / 100).toFixed(2);
const money = (min: number, max: number) => fc.integer({ min, max }).map(yuanOf);
const scope = fc.record(
  { skus: fc.option(fc.uniqueArray(sku, { minLength: 1, maxLength: 3 }), { nil: undefined }) },
  { requiredKeys: [] },
);
const base = {
  scope,
  group: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
  exclusive: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
  priority: fc.integer({ min: 0, max: 3 }),
};
const promotionArb: fc.Arbitrary<Omit<PromotionInput, 'id' | 'name'>> = fc.oneof(
  fc.record({ ...base, kind: fc.constant('percent_off' as const), percent: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ ...base, kind: fc.constant('amount_off' as const), amount: money(1, 3000) }),
  fc.record({
    ...base,
    kind: fc.constant('spend_save' as const),
    tiers: fc.uniqueArray(
      fc
        .integer({ min: 100, max: 20_000 })
        .chain((spend) =>
          fc.integer({ min: 1, max: spend }).map((save) => ({ spend: yuanOf(spend), save: yuanOf(save) })),
        ),
      { minLength: 1, maxLength: 3, selector: (t) => t.spend },
    ),
    repeat: fc.boolean(),
  }),
  fc.record({
    ...base,
    kind: fc.constant('n_for_price' as const),
    n: fc.integer({ min: 2, max: 3 }),
    price: money(1, 6000),
  }),
  fc.record({
    ...base,
    kind: fc.constant('nth_discount' as const),
    n: fc.integer({ min: 2, max: 3 }),
    percent: fc.integer({ min: 10, max: 100 }),
  }),
  fc.record({
    ...base,
    kind: fc.constant('buy_x_get_y' as const),
    buy: fc.integer({ min: 1, max: 3 }),
    gift: sku,
    get: fc.integer({ min: 1, max: 2 }),
  }),
  fc.record({
    ...base,
    kind: fc.constant('member_price' as const),
    prices: fc.uniqueArray(fc.record({ sku, price: money(1, 4000) }), {
      minLength: 1,
      maxLength: 3,
      selector: (p) => p.sku,
    }),
  }),
  fc.record({
    ...base,
    kind: fc.constant('bundle' as const),
    items: fc.uniqueArray(fc.record({ sku, qty: fc.integer({ min: 1, max: 2 }) }), {
      minLength: 2,
      maxLength: 3,
      selector: (i) => i.sku,
    }),
    price: money(1, 8000),
  }),
);
const promotionsArb = fc
  .array(promotionArb, { minLength: 1, maxLength: 6 })
  .map((list) =>
    list.map((p, i) => promotionSchema.parse({ ...p, id: `p${i}`, name: { zh: `活动${i}`, en: `P${i}` } })),
  );
const cartArb = fc.array(fc.record({ sku, qty: fc.integer({ min: 1, max: 4 }), unitPrice: money(1, 5000) }), {
  minLength: 1,
  maxLength: 6,
});
const fen = (text: string) => Math.round(Number(text) * 100);

/** Every set of `rules` with at most one of each stacking group. */
function validSets(rules: Rule[]): Rule[][] {
  const sets: Rule[][] = [];
  for (let mask = 0; mask < 1 << rules.length; mask++) {
    const set = rules.filter((_, i) => mask & (1 << i));
    const groups = set.map((r) => r.group);
    if (new Set(groups).size === groups.length) sets.push(set);
  }
  return sets;
}

describe('the pricing engine on random promotions and carts', () => {
  it('never prices a line below zero, and shares out exactly the saving', () => {
    fc.assert(
      fc.property(promotionsArb, cartArb, (promotions, cart) => {
        const answer = priceCart(here, cart, promotions);
        let shared = 0;
        for (const line of answer.lines) {
          expect(fen(line.final)).toBeGreaterThanOrEqual(0);
          expect(fen(line.discount)).toBeLessThanOrEqual(fen(line.amount));
          const allocated = line.allocations.reduce((a, x) => a + fen(x.amount), 0);
          expect(allocated).toBe(fen(line.discount));
          shared += allocated;
        }
        expect(shared).toBe(fen(answer.saving));
        expect(fen(answer.final)).toBe(fen(answer.total) - fen(answer.saving));
        expect(answer.applied.reduce((a, x) => a + fen(x.saving), 0)).toBe(fen(answer.saving));
        // Every promotion is either applied or told why not.
        expect(answer.applied.length + answer.notApplied.length).toBe(promotions.length);
      }),
      { numRuns: 300 },
    );
  });

  it('chooses the items’ best set, then the best 满减 over it, or an exclusive one — checked against every valid set', () => {
    fc.assert(
      fc.property(promotionsArb, cartArb, (promotions, cart) => {
        const lines: Line[] = cart
          .map((l) => ({
            sku: l.sku,
            qty: l.qty,
            unit: fen(l.unitPrice),
            categories: [],
            brand: null,
            supplier: null,
          }))
          .sort((a, b) => a.sku - b.sku || a.unit - b.unit || a.qty - b.qty);
        const rules = promotions.map(ruleOf);
        const chosen = bestSet(lines, rules);
        const items = rules.filter((r) => !r.exclusive && !isOrderLevel(r));
        const orders = rules.filter((r) => !r.exclusive && isOrderLevel(r));
        const chosenItems = chosen.items;
        const itemMax = Math.max(...validSets(items).map((set) => evaluate(lines, set).saving));
        const exclusiveMax = Math.max(
          0,
          ...rules.filter((r) => r.exclusive).map((r) => evaluate(lines, [r]).saving),
        );
        expect(evaluate(lines, chosenItems).saving).toBe(itemMax);
        const withOrders = Math.max(
          ...validSets(orders).map((set) => evaluate(lines, [...chosenItems, ...set]).saving),
        );
        expect(chosen.outcome.saving).toBe(Math.max(withOrders, exclusiveMax));
      }),
      { numRuns: 1000 },
    );
  });

  it('answers the same whatever the order of the lines, and every time', () => {
    fc.assert(
      fc.property(promotionsArb, cartArb, fc.integer({ min: 0, max: 1000 }), (promotions, cart, seed) => {
        const first = priceCart(here, cart, promotions);
        expect(priceCart(here, cart, promotions)).toEqual(first);
        const shuffled = cart.map((l, i) => ({ l, k: (i * 7919 + seed) % 101 })).sort((a, b) => a.k - b.k);
        const again = priceCart(
          here,
          shuffled.map((s) => s.l),
          promotions,
        );
        expect(again.saving).toBe(first.saving);
        expect(again.applied).toEqual(first.applied);
        const byLine = (a: typeof first) =>
          a.lines.map((l) => `${l.sku}|${l.unitPrice}|${l.qty}|${l.discount}`).sort();
        expect(byLine(again)).toEqual(byLine(first));
      }),
      { numRuns: 200 },
    );
  });
});
