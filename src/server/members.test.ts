import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { bearer, tempAppStore, userWithToken } from '../../test/support/server.js';
import type { AppStore } from '../appstore/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import { buildServer } from './index.js';

/** The member center as a till calls it over HTTP: its token acts for its own store only. */
let app: FastifyInstance;
let engine: Warehouse;
let store: AppStore;
let till: string;
let admin: string;

beforeAll(async () => {
  engine = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
  store = await tempAppStore();
  till = (await userWithToken(store, 'pos', [{ kind: 'store', value: 'S0003' }])).token;
  admin = (await userWithToken(store, 'admin')).token;
  app = await buildServer({ engine, appStore: store });
});
afterAll(async () => {
  await app.close();
  await engine.close();
  await store.close();
});

let keys = 0;
const post = (url: string, payload: unknown, token = till, key: string | null = `key-${++keys}`) =>
  app.inject({
    method: 'POST',
    url,
    payload: payload as object,
    headers: { ...bearer(token), ...(key ? { 'idempotency-key': key } : {}) },
  });
const get = (url: string, token = till) => app.inject({ url, headers: bearer(token) });

describe('member center API', () => {
  it('runs a member’s life at the till: register, top up, pay, earn, refund, with keys and masks', async () => {
    const made = await post('/api/v1/members', { phone: '13912345678', name: '李雷', store: 3 });
    expect(made.statusCode).toBe(201);
    const member = made.json();
    expect(member).toMatchObject({ phone: '139****5678', generation: 'registered' });
    const code: string = member.code;
    expect((await get(`/api/v1/members?phone=139 1234 5678`)).json().code).toBe(code);
    expect((await get(`/api/v1/members/${code}`, admin)).json().phone).toBe('13912345678');

    const topUp = await post(
      `/api/v1/members/${code}/wallet/top-up`,
      { amount: '500', store: 3 },
      till,
      'T-1',
    );
    expect(topUp.statusCode).toBe(201);
    expect(topUp.json()).toMatchObject({ principal: '500.00', bonus: '60.00', after: { balance: '560.00' } });
    const again = await post(
      `/api/v1/members/${code}/wallet/top-up`,
      { amount: '500', store: 3 },
      till,
      'T-1',
    );
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(topUp.json());
    const reused = await post(
      `/api/v1/members/${code}/wallet/top-up`,
      { amount: '600', store: 3 },
      till,
      'T-1',
    );
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.messageZh).toContain('幂等键');

    const paid = await post(`/api/v1/members/${code}/wallet/pay`, { amount: 56, store: 3 });
    expect(paid.json()).toMatchObject({ amount: '-56.00', principal: '-50.00', bonus: '-6.00' });
    const earned = await post(`/api/v1/members/${code}/points/earn`, { amount: '56.00', store: 3 });
    expect(earned.json()).toMatchObject({ points: 56, balance: 56 });
    const refund = await post(`/api/v1/members/${code}/wallet/refund`, {
      entry: paid.json().entry,
      amount: '60',
      store: 3,
    });
    expect(refund.statusCode).toBe(422);
    expect(refund.json().error).toMatchObject({ code: 'NOT_ENOUGH', place: { field: 'amount' } });
    const view = (await get(`/api/v1/members/${code}`)).json();
    expect(view).toMatchObject({ generation: 'wallet', wallet: { balance: '504.00' }, points: 56 });
    expect((await get(`/api/v1/members/${code}/wallet`)).json().entries).toHaveLength(2);
  });

  it('sells paid membership at the till: join once, renew, refund pro rata', async () => {
    const code = (await post('/api/v1/members', { phone: '13700000009' })).json().code;
    expect((await get('/api/v1/members/plans')).json().plans.map((p: { id: string }) => p.id)).toEqual([
      'annual',
      'monthly',
    ]);
    const joined = await post(
      `/api/v1/members/${code}/membership/join`,
      { plan: 'annual', store: 3 },
      till,
      'J-1',
    );
    expect(joined.statusCode).toBe(201);
    expect(joined.json()).toMatchObject({ plan: 'annual', price: '199.00' });
    expect(
      (await post(`/api/v1/members/${code}/membership/join`, { plan: 'annual', store: 3 }, till, 'J-1'))
        .statusCode,
    ).toBe(200);
    expect(
      (await post(`/api/v1/members/${code}/membership/join`, { plan: 'annual', store: 3 })).statusCode,
    ).toBe(409);
    const renewed = await post(`/api/v1/members/${code}/membership/renew`, { store: 3 });
    expect(renewed.json().startsOn > joined.json().endsOn).toBe(true);
    expect((await get(`/api/v1/members/${code}`)).json().generation).toBe('paid');
    const refunded = await post(`/api/v1/members/${code}/membership/refund`, { store: 3 });
    // Joined and refunded today: nothing used, both years come back whole.
    expect(refunded.json().map((p: { refunded: string }) => p.refunded)).toEqual(['199.00', '199.00']);
    expect((await get(`/api/v1/members/${code}/membership`)).json().active).toBeNull();
  });

  it('takes a large manual adjustment only with a second administrator’s approval; a till may not adjust', async () => {
    const code = (await post('/api/v1/members', { phone: '13700000011' })).json().code;
    const body = { account: 'principal', direction: 'in', amount: '150', reason: 'refund owed, ticket 91' };
    expect((await post(`/api/v1/members/${code}/wallet/adjust`, body)).statusCode).toBe(403);
    const asked = await post(`/api/v1/members/${code}/wallet/adjust`, body, admin);
    expect(asked.statusCode).toBe(202);
    const id = asked.json().id;
    const pending = (await get('/api/v1/members/adjustments?status=pending', admin)).json().adjustments;
    expect(pending.map((a: { id: number }) => a.id)).toContain(id);
    const self = await post(`/api/v1/members/adjustments/${id}/decide`, { approve: true }, admin);
    expect(self.statusCode).toBe(403);
    const second = (await userWithToken(store, 'admin')).token;
    const decided = await post(`/api/v1/members/adjustments/${id}/decide`, { approve: true }, second);
    expect(decided.statusCode).toBe(200);
    expect(decided.json()).toMatchObject({ status: 'posted' });
    expect((await get(`/api/v1/members/${code}`)).json().wallet.balance).toBe('150.00');
  });

  it('refuses bad input clearly in both languages, changing nothing', async () => {
    const bad = await post('/api/v1/members', { phone: '1234' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.messageZh).toContain('手机号');
    const code = (await post('/api/v1/members', { phone: '13700000001' })).json().code;
    for (const amount of ['-5', '0.001', '1e2', 'ten'] as const) {
      const res = await post(`/api/v1/members/${code}/wallet/top-up`, { amount, store: 3 });
      expect(res.statusCode, amount).toBe(400);
      expect(res.json().error.place.field).toBe('amount');
    }
    const noKey = await post(`/api/v1/members/${code}/wallet/top-up`, { amount: '5', store: 3 }, till, null);
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().error.place.field).toBe('Idempotency-Key');
    expect((await post('/api/v1/members/M99999999/wallet/pay', { amount: '1', store: 3 })).statusCode).toBe(
      404,
    );
    expect((await get(`/api/v1/members/${code}/wallet`)).json().entries).toEqual([]);
  });

  it('lets a till act only for its own store, and a viewer not at all', async () => {
    const code = (await post('/api/v1/members', { phone: '13700000002' })).json().code;
    const elsewhere = await post(`/api/v1/members/${code}/wallet/top-up`, { amount: '5', store: 4 });
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().error.messageZh).toContain('门店 4');
    const viewer = (await userWithToken(store, 'viewer', [{ kind: 'store', value: 'S0003' }])).token;
    expect((await get(`/api/v1/members/${code}`, viewer)).statusCode).toBe(403);
    // An administrator acts for any store.
    expect(
      (await post(`/api/v1/members/${code}/wallet/top-up`, { amount: '5', store: 4 }, admin)).statusCode,
    ).toBe(201);
  });

  it('lets an administrator change the rules as a whole, checked and audited; the next top-up uses them', async () => {
    const put = (payload: unknown, token = admin) =>
      app.inject({
        method: 'PUT',
        url: '/api/v1/members/rules',
        payload: payload as object,
        headers: bearer(token),
      });
    const rules = (await get('/api/v1/members/rules')).json();
    expect(rules.topUpBonus[0]).toEqual({ from: '200.00', bonus: '20.00' });
    expect(rules.plans.map((p: { id: string }) => p.id)).toEqual(['annual', 'monthly']);
    // A till may read them (it shows the tiers) but not change them.
    expect((await put(rules, till)).statusCode).toBe(403);
    const falling = await put({
      ...rules,
      topUpBonus: [
        { from: '300', bonus: '30' },
        { from: '200', bonus: '40' },
      ],
    });
    expect(falling.statusCode).toBe(400);
    expect(falling.json().error).toMatchObject({ place: { field: 'topUpBonus[1]' } });
    expect(falling.json().error.messageZh).toContain('档位须递增');
    const overPrecise = await put({
      ...rules,
      plans: [{ ...rules.plans[0], price: '199.999' }, rules.plans[1]],
    });
    expect(overPrecise.json().error).toMatchObject({ place: { field: 'plans[0].price' } });
    const changed = await put({
      ...rules,
      topUpBonus: [{ from: '100', bonus: '8.88' }],
      plans: [
        ...rules.plans,
        { id: 'quarterly', label: { zh: '季卡会员', en: 'Quarterly' }, price: '59', months: 3 },
      ],
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().topUpBonus).toEqual([{ from: '100.00', bonus: '8.88' }]);
    const code = (await post('/api/v1/members', { phone: '13912340099', store: 3 })).json().code;
    const topUp = await post(`/api/v1/members/${code}/wallet/top-up`, { amount: '100', store: 3 });
    expect(topUp.json()).toMatchObject({ principal: '100.00', bonus: '8.88' });
    const quarter = await post(`/api/v1/members/${code}/membership/join`, { plan: 'quarterly', store: 3 });
    expect(quarter.json()).toMatchObject({ plan: 'quarterly', price: '59.00' });
    // A plan members hold today stays.
    const dropped = await put({ ...rules, plans: [rules.plans[1]] });
    expect(dropped.statusCode).toBe(400);
    expect(dropped.json().error.message).toMatch(/quarterly|annual/);
    const [audit] = await store.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE action = 'members.rules' ORDER BY id DESC LIMIT 1",
    );
    expect(audit).toEqual({ action: 'members.rules' });
    expect((await put(rules)).statusCode).toBe(400);
  });
});
