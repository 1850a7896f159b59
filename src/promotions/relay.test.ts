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

/** Checkouts and returns of the promotion center in the warehouse, once, and 促销让利 in the BI equal to them. */
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
    expect(await relayPromotions(store, warehouse)).toBe(2);
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
    // A relay that died before marking its rows sends them again: nothing doubles.
    await store.query('UPDATE promotion_outbox SET relayed_at = NULL');
    await relayPromotions(store, warehouse);
    expect(
      await warehouse.query('SELECT CAST(sum(amount) AS VARCHAR) AS net FROM promotion_allocation'),
    ).toEqual([{ net: '38.18' }]);
  });
});
