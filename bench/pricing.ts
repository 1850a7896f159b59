import {
  type CouponTemplate,
  couponTemplateSchema,
  type Promotion,
  promotionSchema,
} from '../src/contract/index.js';
import { type PriceContext, type ProductFacts, priceCart } from '../src/promotions/index.js';
import { median, table } from './stats.js';

/**
 * The pricing engine on a chain's busy day: 200 promotions running at once — SKU price cuts and member prices,
 * category discounts that overlap them, N件M元, 第二件半价, 买赠, bundles, and 满减 in stacking groups, a few
 * exclusive — against 30-line carts drawn from 5,000 SKUs in 50 categories, the carts leaning to promoted
 * goods as real ones do, each presented with five coupons. Seeded: the same promotions and carts every run.
 */
interface Options {
  carts: number;
  promotions: number;
  lines: number;
}

function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const SKUS = 5_000;
const categoryOf = (sku: number) => `C${String(sku % 50).padStart(2, '0')}`;

function promotionsOf(n: number, rnd: () => number): Promotion[] {
  const pick = () => 1 + Math.floor(rnd() * SKUS);
  const yuanOf = (fen: number) => (fen / 100).toFixed(2);
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const id = `P${String(i).padStart(3, '0')}`;
    const name = { zh: `活动${i}`, en: `Promotion ${i}` };
    const u = rnd();
    const skus = Array.from({ length: 1 + Math.floor(rnd() * 20) }, pick);
    if (u < 0.35)
      out.push({
        id,
        name,
        kind: 'amount_off',
        amount: yuanOf(50 + Math.floor(rnd() * 500)),
        scope: { skus },
      });
    else if (u < 0.5)
      out.push({
        id,
        name,
        kind: 'percent_off',
        percent: 5 + Math.floor(rnd() * 30),
        scope: { categories: [categoryOf(pick())] },
      });
    else if (u < 0.6)
      out.push({
        id,
        name,
        kind: 'member_price',
        prices: skus.map((sku) => ({ sku, price: yuanOf(100 + Math.floor(rnd() * 3000)) })),
        scope: { tiers: ['paid', 'wallet'] },
      });
    else if (u < 0.67)
      out.push({
        id,
        name,
        kind: 'n_for_price',
        n: 3,
        price: yuanOf(1500 + Math.floor(rnd() * 3000)),
        scope: { categories: [categoryOf(pick())] },
      });
    else if (u < 0.74) out.push({ id, name, kind: 'nth_discount', n: 2, percent: 50, scope: { skus } });
    else if (u < 0.8)
      out.push({ id, name, kind: 'buy_x_get_y', buy: 2, gift: pick(), get: 1, scope: { skus } });
    else if (u < 0.85)
      out.push({
        id,
        name,
        kind: 'bundle',
        items: [
          { sku: pick(), qty: 1 },
          { sku: pick(), qty: 1 },
        ],
        price: yuanOf(2000),
      });
    else
      out.push({
        id,
        name,
        kind: 'spend_save',
        tiers: [
          { spend: '100', save: String(5 + Math.floor(rnd() * 10)) },
          { spend: '200', save: String(20 + Math.floor(rnd() * 20)) },
        ],
        group: `mj${Math.floor(rnd() * 4)}`,
        exclusive: rnd() < 0.1,
        scope: rnd() < 0.5 ? { categories: Array.from({ length: 10 }, () => categoryOf(pick())) } : {},
      });
  }
  return out.map((p) => promotionSchema.parse(p));
}

/** Carts leaning to promoted goods: half their lines are SKUs some promotion names. */
function cartOf(lines: number, promoted: number[], rnd: () => number) {
  return Array.from({ length: lines }, () => ({
    sku:
      rnd() < 0.5 ? (promoted[Math.floor(rnd() * promoted.length)] as number) : 1 + Math.floor(rnd() * SKUS),
    qty: 1 + Math.floor(rnd() * 3),
    unitPrice: (1 + Math.floor(rnd() * 9_900) / 100).toFixed(2),
  }));
}

export function benchPricing(options: Options): void {
  const rnd = random(20261201);
  const promotions = promotionsOf(options.promotions, rnd);
  const promoted = [
    ...new Set(
      promotions.flatMap((p) => [
        ...(p.scope.skus ?? []),
        ...(p.kind === 'member_price' ? p.prices.map((x) => x.sku) : []),
        ...(p.kind === 'bundle' ? p.items.map((x) => x.sku) : []),
        ...(p.kind === 'buy_x_get_y' ? [p.gift] : []),
      ]),
    ),
  ];
  const facts = (sku: number): ProductFacts => ({
    categories: [categoryOf(sku)],
    brand: null,
    supplier: null,
  });
  const context: PriceContext = {
    store: 1,
    region: '华东',
    format: 'supermarket',
    channel: 'pos',
    tier: 'paid',
    day: '2026-12-01',
    hour: 19,
  };
  // Five coupons presented with every cart: two 满减券, a capped 九折券, a free item and one that does not combine.
  const template = (t: Record<string, unknown>) =>
    couponTemplateSchema.parse({ name: { zh: String(t.id), en: String(t.id) }, ...t }) as CouponTemplate;
  const coupons = [
    template({ id: 'c10', kind: 'amount', amount: '10', minSpend: '100' }),
    template({ id: 'c20', kind: 'amount', amount: '20', minSpend: '200' }),
    template({ id: 'p10', kind: 'percent', percent: 10, maxOff: '30' }),
    template({ id: 'free', kind: 'free_item', sku: promoted[0] }),
    template({ id: 'solo', kind: 'amount', amount: '60', minSpend: '300', withPromotions: false }),
  ].map((t, i) => ({ code: `CODE${i}`.padEnd(16, 'X'), template: t }));
  const carts = Array.from({ length: options.carts }, () => cartOf(options.lines, promoted, rnd));
  // Warm the engine up, as a server is.
  for (const cart of carts.slice(0, 50)) priceCart(context, cart, promotions, facts, coupons);
  const times: number[] = [];
  let applied = 0;
  let saving = 0;
  for (const cart of carts) {
    const t = performance.now();
    const answer = priceCart(context, cart, promotions, facts, coupons);
    times.push(performance.now() - t);
    applied += answer.applied.length;
    saving += Number(answer.saving);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  console.log(
    table([
      [
        'carts',
        'lines',
        'promotions',
        'coupons',
        'p50 ms',
        'p99 ms',
        'max ms',
        'applied per cart',
        'saving per cart ¥',
      ],
      [
        carts.length,
        options.lines,
        promotions.length,
        coupons.length,
        median(times),
        at(0.99),
        at(1),
        applied / carts.length,
        saving / carts.length,
      ],
    ]),
  );
}
