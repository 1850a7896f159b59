import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempAppStore } from '../../test/support/server.js';
import type { AppStore } from '../appstore/index.js';
import type { MemberActor } from '../members/index.js';
import { runQuery } from '../metrics/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import { PromotionCenter, relayPromotions } from './index.js';

/**
 * Checkouts, returns, coupons issued and the promotions' names of the promotion center in the warehouse, once;
 * 促销让利 in the BI equal to the checkouts, cut by store and by promotion, and coupons issued and redeemed.
 */
let store: AppStore;
let warehouse: Warehouse;
let center: PromotionCenter;
const till: MemberActor = { id: 'till', stores: null, pii: false };
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

beforeAll(async () => {
  store = await tempAppStore();
  warehouse = await openWarehouse({
    path: join(mkdtempSync(join(tmpdir(), 'zhongtai-promo-relay-')), 'w.duckdb'),
  });
  for (const table of ['store', 'store_history'])
    await warehouse.write(
      `INSERT INTO ${table} (store_id, ${table === 'store' ? '' : 'valid_from, '}code, name, format, region, city, open_date)
       VALUES (1, ${table === 'store' ? '' : "'2020-01-01', "}'S0001', '一号店', 'supermarket', '华东', '上海', '2020-01-01'),
              (2, ${table === 'store' ? '' : "'2020-01-01', "}'S0002', '二号店', 'convenience', '华东', '杭州', '2020-01-01')`,
    );
  center = await PromotionCenter.open(store);
  const by = { username: 'test', ip: null };
  await center.save(by, {
    promotion: {
      id: 'mj',
      name: { zh: '满100减20', en: '20 off 100' },
      kind: 'spend_save',
      tiers: [{ spend: '100', save: '20' }],
    },
  });
  await center.save(by, {
    promotion: {
      id: 'half',
      name: { zh: '第二件半价', en: 'Second half price' },
      kind: 'nth_discount',
      n: 2,
      percent: 50,
      scope: { skus: [7] },
    },
  });
});
afterAll(async () => {
  await warehouse.close();
  await store.close();
});

describe('promotion center into the warehouse', () => {
  it('relays every discount and every return once, and 促销让利 equals what the checkouts gave', async () => {
    const a = await center.checkout(till, 'a', {
      store: 1,
      channel: 'pos',
      lines: [
        { sku: 7, qty: 2, unitPrice: '40' },
        { sku: 8, qty: 5, unitPrice: '10.10' },
      ],
    });
    const b = await center.checkout(till, 'b', {
      store: 2,
      channel: 'mini_program',
      lines: [{ sku: 8, qty: 1, unitPrice: '9.90' }],
    });
    expect(b.answer.saving).toBe('0.00');
    // Half of one unit of 7 (¥20), then 满减 ¥20 on the ¥110.50 left: ¥40 in all.
    expect(a.answer.saving).toBe('40.00');
    const back = await center.returnLines(till, 'r1', {
      checkout: a.answer.checkout,
      lines: [{ line: 2, qty: 1 }],
    });
    expect(back.answer.lines).toHaveLength(1);
    // The two promotions' names, the checkout with a saving, the return.
    expect(await relayPromotions(store, warehouse)).toBe(4);
    const [given] = await warehouse.query(
      "SELECT CAST(sum(amount) FILTER (WHERE entry LIKE '%:sale') AS VARCHAR) AS sale, CAST(sum(amount) AS VARCHAR) AS net FROM promotion_allocation",
    );
    // Line 2 held ¥20 × 50.50/110.50 of the 满减 = ¥9.14: a fifth of it (¥1.82) came back with the unit.
    expect(given).toEqual({ sale: '40.00', net: '38.18' });
    const answer = await runQuery(warehouse, {
      metrics: ['promotion_discount', 'promotion_checkouts'],
      dimensions: ['store'],
      timeRange: { from: today, to: today },
    });
    expect(answer.rows).toEqual([{ store: '一号店', promotion_discount: 38.18, promotion_checkouts: 1 }]);
    // Coupons: three issued, one redeemed in a checkout; the BI cuts discounts and coupons by promotion.
    await center.saveTemplate(
      { username: 'test', ip: null },
      { id: 'c5', name: { zh: '5元券', en: '¥5 off' }, kind: 'amount', amount: '5' },
    );
    const issued = await center.issue(till, 'i1', { template: 'c5', count: 3 });
    const code = issued.answer.coupons[0]?.code as string;
    const c = await center.checkout(till, 'c', {
      store: 2,
      channel: 'mini_program',
      lines: [{ sku: 8, qty: 2, unitPrice: '9.90' }],
      coupons: [code],
    });
    expect(c.answer.saving).toBe('5.00');
    expect(await relayPromotions(store, warehouse)).toBe(3);
    const byPromotion = await runQuery(warehouse, {
      metrics: ['promotion_discount', 'coupons_issued', 'coupons_redeemed', 'coupon_redemption_rate'],
      dimensions: ['promotion'],
      timeRange: { from: today, to: today },
    });
    expect(byPromotion.rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          promotion: '5元券',
          promotion_discount: 5,
          coupons_issued: 3,
          coupons_redeemed: 1,
        }),
        expect.objectContaining({ promotion: '满100减20', promotion_discount: 18.18 }),
        expect.objectContaining({ promotion: '第二件半价', promotion_discount: 20 }),
      ]),
    );
    const coupon = byPromotion.rows.find((r) => r.promotion === '5元券');
    expect(Number(coupon?.coupon_redemption_rate)).toBeCloseTo(1 / 3, 6);
    const [redeemed] = await warehouse.query(
      'SELECT promotion_id, coupon_code FROM promotion_allocation WHERE coupon_code IS NOT NULL',
    );
    expect(redeemed).toEqual({ promotion_id: 'coupon:c5', coupon_code: code });
    // A relay that died before marking its rows sends them again: nothing doubles.
    await store.query('UPDATE promotion_outbox SET relayed_at = NULL');
    await relayPromotions(store, warehouse);
    expect(
      await warehouse.query('SELECT CAST(sum(amount) AS VARCHAR) AS net FROM promotion_allocation'),
    ).toEqual([{ net: '43.18' }]);
    expect(await warehouse.query('SELECT count(*) AS n FROM coupon_issue')).toEqual([{ n: 3 }]);
    expect(await warehouse.query('SELECT count(*) AS n FROM center_promotion')).toEqual([{ n: 3 }]);
  });
});
