import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { bearer, tempAppStore, userWithToken } from '../../test/support/server.js';
import type { AppStore } from '../appstore/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import { buildServer } from './index.js';

/** The promotion center as marketing sets it up and a till of store S0003 prices and sells through it. */
let app: FastifyInstance;
let engine: Warehouse;
let store: AppStore;
let till: string;
let marketer: string;
let product: { sku: number; category: string; other: number };

beforeAll(async () => {
  engine = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
  store = await tempAppStore();
  till = (await userWithToken(store, 'pos', [{ kind: 'store', value: 'S0003' }])).token;
  marketer = (await userWithToken(store, 'marketer')).token;
  app = await buildServer({ engine, appStore: store });
  const [a] = await engine.query('SELECT sku, category_l1 FROM product ORDER BY sku LIMIT 1');
  const [b] = await engine.query('SELECT sku FROM product WHERE category_l1 <> $1 ORDER BY sku LIMIT 1', [
    String(a?.category_l1),
  ]);
  product = { sku: Number(a?.sku), category: String(a?.category_l1), other: Number(b?.sku) };
});
afterAll(async () => {
  await app.close();
  await engine.close();
  await store.close();
});

let keys = 0;
const send = (
  method: 'POST' | 'PUT',
  url: string,
  payload: unknown,
  token = till,
  key: string | null = `k-${++keys}`,
) =>
  app.inject({
    method,
    url,
    payload: payload as object,
    headers: { ...bearer(token), ...(key ? { 'idempotency-key': key } : {}) },
  });

describe('promotion center API', () => {
  it('prices, sells within the budget, and takes returns back at the share each unit paid', async () => {
    const mj = {
      promotion: {
        id: 'mj-100-20',
        name: { zh: '满100减20', en: '20 off 100' },
        kind: 'spend_save',
        tiers: [{ spend: '100', save: '20' }],
      },
      budget: '40',
    };
    const category = {
      promotion: {
        id: 'cat-9',
        name: { zh: '品类九折', en: '10% off the category' },
        kind: 'percent_off',
        percent: 10,
        scope: { categories: [product.category], channels: ['pos'] },
      },
    };
    // A till may not set promotions up; marketing may.
    expect((await send('PUT', '/api/v1/promotions/mj-100-20', mj)).statusCode).toBe(403);
    expect((await send('PUT', '/api/v1/promotions/mj-100-20', mj, marketer)).statusCode).toBe(200);
    expect((await send('PUT', '/api/v1/promotions/cat-9', category, marketer)).statusCode).toBe(200);
    const mismatch = await send('PUT', '/api/v1/promotions/other', mj, marketer);
    expect(mismatch.json().error.place).toEqual({ field: 'promotion.id' });

    const cart = {
      store: 3,
      channel: 'pos',
      lines: [
        { sku: product.sku, qty: 3, unitPrice: '30' },
        { sku: product.other, qty: 1, unitPrice: '25' },
      ],
    };
    const priced = await send('POST', '/api/v1/price', cart, till, null);
    expect(priced.statusCode, priced.body).toBe(200);
    // 九折 on ¥90 of the category (¥9), then 满100减20 on the ¥106 left.
    expect(priced.json()).toMatchObject({ total: '115.00', saving: '29.00', final: '86.00' });
    expect(priced.json().applied.map((a: { promotion: string }) => a.promotion)).toEqual([
      'cat-9',
      'mj-100-20',
    ]);
    // Another store's till is refused.
    expect((await send('POST', '/api/v1/price', { ...cart, store: 4 }, till, null)).statusCode).toBe(403);

    const first = await send('POST', '/api/v1/checkout', { ...cart, reference: 'POS-1' }, till, 'co-1');
    expect(first.statusCode).toBe(201);
    const again = await send('POST', '/api/v1/checkout', { ...cart, reference: 'POS-1' }, till, 'co-1');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(
      (await send('POST', '/api/v1/checkout', { ...cart, reference: 'POS-X' }, till, 'co-1')).statusCode,
    ).toBe(409);
    await send('POST', '/api/v1/checkout', cart, till, 'co-2');
    // The budget (¥40) held two carts: the third is priced without 满减, and told why.
    const third = (await send('POST', '/api/v1/checkout', cart, till, 'co-3')).json();
    expect(third.saving).toBe('9.00');
    expect(third.notApplied).toContainEqual(
      expect.objectContaining({ promotion: 'mj-100-20', reason: 'budget_spent' }),
    );
    const list = (await app.inject({ url: '/api/v1/promotions', headers: bearer(marketer) })).json();
    expect(
      list.promotions.find((p: { promotion: { id: string } }) => p.promotion.id === 'mj-100-20'),
    ).toMatchObject({
      spent: '40.00',
      uses: 2,
    });

    // Line 1 paid ¥90 − ¥9 − its share of ¥20: one unit back refunds a third of it, the rest the remainder.
    const line1 = first.json().lines[0];
    const paid = Math.round(Number(line1.final) * 100);
    const back = await send('POST', '/api/v1/returns', {
      checkout: first.json().checkout,
      lines: [{ line: 1, qty: 1 }],
    });
    expect(back.statusCode).toBe(201);
    expect(back.json().refund).toBe((Math.floor(paid / 3) / 100).toFixed(2));
    const rest = await send('POST', '/api/v1/returns', {
      checkout: first.json().checkout,
      lines: [{ line: 1, qty: 2 }],
    });
    expect(Number(back.json().refund) * 100 + Number(rest.json().refund) * 100).toBeCloseTo(paid, 6);
    const tooMany = await send('POST', '/api/v1/returns', {
      checkout: first.json().checkout,
      lines: [{ line: 1, qty: 1 }],
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.messageZh).toContain('已退 3 件');
  });

  it('runs coupons, a flash sale and a group over HTTP, each write once per key', async () => {
    const get = (url: string, token = till) => app.inject({ url, headers: bearer(token) });
    const member = async (phone: string) =>
      (await send('POST', '/api/v1/members', { phone, store: 3 })).json().code as string;
    const [m1, m2] = [await member('13900001111'), await member('13900002222')];
    // Coupons: a template, two issued to m1, m2 claims one.
    const template = {
      id: 'c5',
      name: { zh: '5元券', en: '¥5 off' },
      kind: 'amount',
      amount: '5',
      perMember: 1,
    };
    expect((await send('PUT', '/api/v1/coupons/templates/c5', template, marketer)).statusCode).toBe(200);
    const issued = await send(
      'POST',
      '/api/v1/coupons/issue',
      { template: 'c5', members: [m1] },
      marketer,
      'iss-1',
    );
    expect(issued.statusCode).toBe(201);
    const claimed = await send('POST', '/api/v1/coupons/claim', { template: 'c5', member: m2 }, till, 'cl-1');
    expect(claimed.statusCode).toBe(201);
    expect(
      (await send('POST', '/api/v1/coupons/claim', { template: 'c5', member: m2 }, till, 'cl-1')).statusCode,
    ).toBe(200);
    expect(
      (await send('POST', '/api/v1/coupons/claim', { template: 'c5', member: m2 }, till, 'cl-2')).statusCode,
    ).toBe(409);
    const mine = (await get(`/api/v1/coupons?member=${m2}`)).json().coupons;
    expect(mine).toHaveLength(1);
    const priced = await send(
      'POST',
      '/api/v1/price',
      {
        store: 3,
        channel: 'mini_program',
        member: m2,
        coupons: [mine[0].code],
        lines: [{ sku: product.sku, qty: 1, unitPrice: '12' }],
      },
      till,
      null,
    );
    expect(priced.json().applied.map((a: { promotion: string }) => a.promotion)).toContain(
      `coupon:${mine[0].code}`,
    );
    const templates = (await get('/api/v1/coupons/templates', marketer)).json().templates;
    expect(templates[0]).toMatchObject({ issued: 2, redeemed: 0, open: 2, liability: '10.00' });

    // A flash sale running now: order, pay, the burn-down.
    const sale = {
      id: 'fs1',
      name: { zh: '秒杀', en: 'Flash' },
      sku: product.sku,
      price: '1.99',
      stock: 2,
      perMember: 1,
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    };
    expect((await send('PUT', '/api/v1/flash-sales/fs1', sale, marketer)).statusCode).toBe(200);
    const order = await send('POST', '/api/v1/flash-sales/fs1/orders', { member: m1 }, till, 'fo-1');
    expect(order.statusCode).toBe(201);
    expect(order.json()).toMatchObject({ price: '1.99', state: 'pending' });
    expect(
      (await send('POST', '/api/v1/flash-sales/fs1/orders', { member: m1 }, till, 'fo-2')).statusCode,
    ).toBe(409);
    const paid = await send('POST', `/api/v1/flash-orders/${order.json().order}/pay`, {}, till, 'fp-1');
    expect(paid.json().state).toBe('paid');
    expect((await get('/api/v1/flash-sales/fs1')).json()).toMatchObject({ sold: 1, paid: 1, left: 1 });

    // A group of two: opened by m1, filled by m2.
    const deal = { id: 'g2', name: { zh: '2人团', en: 'Pair' }, sku: product.sku, price: '8.80', size: 2 };
    expect((await send('PUT', '/api/v1/group-deals/g2', deal, marketer)).statusCode).toBe(200);
    const opened = await send('POST', '/api/v1/group-deals/g2/groups', { member: m1 }, till, 'go-1');
    expect(opened.statusCode).toBe(201);
    const joined = await send(
      'POST',
      `/api/v1/groups/${opened.json().group}/join`,
      { member: m2 },
      till,
      'gj-1',
    );
    expect(joined.json()).toMatchObject({ joined: 2, state: 'succeeded' });
    expect(
      (await get(`/api/v1/groups/${opened.json().group}`))
        .json()
        .members.map((m: { state: string }) => m.state),
    ).toEqual(['confirmed', 'confirmed']);
  });
});
