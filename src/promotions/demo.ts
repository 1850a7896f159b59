import type { AppStore } from '../appstore/index.js';
import { fromChainLocal, type MemberActor } from '../members/index.js';
import { addDays } from '../model/index.js';
import type { Engine } from '../warehouse/index.js';
import { PromotionCenter } from './center.js';
import { warehouseFacts } from './warehouse-facts.js';

/**
 * The demo chain's promotions in the promotion center: a 满减 on the whole chain, a discount on its best-selling
 * category, 第二件半价 on its best-selling SKU and a ¥10 coupon, running over the last two weeks of its data; a
 * sample of that fortnight's orders checked out through the center as of their times (a coupon on every fifth
 * of them), so the warehouse it relays to shows real promotion history by promotion, store, SKU and channel.
 * Only into a center that has no checkout yet.
 */
export interface DemoPromotionsOptions {
  /** Days before the end of the chain's data the promotions run. */
  days: number;
  /** Orders checked out through the center. */
  orders: number;
}

const DEFAULTS: DemoPromotionsOptions = { days: 14, orders: 300 };

interface OrderLine {
  order_id: number;
  ts: string;
  store_id: number;
  channel: string;
  sku: number;
  qty: number;
  unit: string;
}

export async function seedDemoPromotions(
  store: AppStore,
  warehouse: Engine,
  end: string,
  options: Partial<DemoPromotionsOptions> = {},
): Promise<{ promotions: number; coupons: number; checkouts: number } | null> {
  const { days, orders } = { ...DEFAULTS, ...options };
  const from = addDays(end, -(days - 1));
  let now = fromChainLocal(`${from} 08:00:00`);
  const center = await PromotionCenter.open(store, { clock: () => now, facts: warehouseFacts(warehouse) });
  if ((await store.query('SELECT 1 FROM checkout LIMIT 1')).length) return null;
  const [top] = await warehouse.query(
    `SELECT p.category_l1 AS category, max_by(s.sku, s.units) AS sku FROM (
       SELECT sku, sum(qty) AS units, sum(net) AS net FROM sales_line
       WHERE date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE) GROUP BY sku) s
     JOIN product p USING (sku)
     GROUP BY p.category_l1 ORDER BY sum(s.net) DESC LIMIT 1`,
    [from, end],
  );
  if (!top) return null;
  const by = { username: 'demo', ip: null };
  const scope = { from, to: end };
  await center.save(by, {
    promotion: {
      id: 'demo-mj200',
      name: { zh: '满200减30', en: '¥30 off ¥200' },
      kind: 'spend_save',
      tiers: [{ spend: '200', save: '30' }],
      scope,
    },
    budget: '50000',
  });
  await center.save(by, {
    promotion: {
      id: 'demo-category',
      name: { zh: `${top.category}9折`, en: `10% off ${top.category}` },
      kind: 'percent_off',
      percent: 10,
      group: 'items',
      scope: { ...scope, categories: [String(top.category)] },
    },
  });
  await center.save(by, {
    promotion: {
      id: 'demo-second-half',
      name: { zh: '爆品第二件半价', en: 'Best seller: second at half price' },
      kind: 'nth_discount',
      n: 2,
      percent: 50,
      group: 'items',
      scope: { ...scope, skus: [Number(top.sku)] },
    },
  });
  await center.saveTemplate(by, {
    id: 'demo-c10',
    name: { zh: '满50减10元券', en: '¥10 off ¥50 coupon' },
    kind: 'amount',
    amount: '10',
    minSpend: '50',
    validDays: days,
  });
  const actor: MemberActor = { id: 'demo', stores: null, pii: false, username: 'demo' };
  const issued = await center.issue(actor, 'demo-issue', { template: 'demo-c10', count: orders / 5 + 20 });
  const codes = issued.answer.coupons.map((c) => c.code);

  // Every k-th order of the fortnight with whole quantities (weighed goods are priced by the scale, not here).
  const lines = (await warehouse.query(
    `WITH o AS (
       SELECT order_id, row_number() OVER (ORDER BY order_id) AS n, count(*) OVER () AS total FROM orders
       WHERE date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE) AND status = 'completed')
     SELECT s.order_id, CAST(s.ts AS VARCHAR) AS ts, s.store_id, s.channel, s.sku, CAST(s.qty AS INTEGER) AS qty,
            CAST(round(s.gross / s.qty, 2) AS VARCHAR) AS unit
     FROM sales_line s JOIN o USING (order_id)
     WHERE o.n % greatest(1, o.total // CAST($3 AS INTEGER)) = 0 AND s.qty = round(s.qty) AND s.qty > 0 AND s.gross > 0
     ORDER BY s.ts, s.order_id, s.line_no`,
    [from, end, orders],
  )) as unknown as OrderLine[];
  const byOrder = new Map<number, OrderLine[]>();
  for (const line of lines) byOrder.set(line.order_id, [...(byOrder.get(line.order_id) ?? []), line]);
  let checkouts = 0;
  for (const [orderId, order] of [...byOrder].slice(0, orders)) {
    const head = order[0] as OrderLine;
    now = fromChainLocal(head.ts);
    const coupon = checkouts % 5 === 0 ? codes[checkouts / 5] : undefined;
    await center.checkout(actor, `demo-${orderId}`, {
      store: head.store_id,
      channel: head.channel as 'pos',
      reference: String(orderId),
      lines: order.map((l) => ({ sku: l.sku, qty: l.qty, unitPrice: l.unit })),
      ...(coupon ? { coupons: [coupon] } : {}),
    });
    checkouts += 1;
  }
  return { promotions: 4, coupons: codes.length, checkouts };
}
