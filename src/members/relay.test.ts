import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, tempAppStore, userWithToken } from '../../test/support/server.js';
import type { AppStore } from '../appstore/index.js';
import { runQuery } from '../metrics/index.js';
import { buildServer } from '../server/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import { reconcile, relayOutbox } from './index.js';

/**
 * The member center's changes in the warehouse, exactly once, and the BI's wallet and points KPIs equal to
 * the ledger: written through the API, relayed by the server's own loop, asked through the metric layer.
 */
let store: AppStore;
let warehouse: Warehouse;
let app: Awaited<ReturnType<typeof buildServer>>;
let token: string;

beforeAll(async () => {
  store = await tempAppStore();
  warehouse = await openWarehouse({ path: join(mkdtempSync(join(tmpdir(), 'zhongtai-relay-')), 'w.duckdb') });
  token = (await userWithToken(store, 'admin')).token;
  // The chain's two stores, which the KPIs are cut by.
  for (const table of ['store', 'store_history'])
    await warehouse.write(
      `INSERT INTO ${table} (store_id, ${table === 'store' ? '' : 'valid_from, '}code, name, format, region, city, open_date)
       VALUES (1, ${table === 'store' ? '' : "'2020-01-01', "}'S0001', '一号店', 'supermarket', '华东', '上海', '2020-01-01'),
              (2, ${table === 'store' ? '' : "'2020-01-01', "}'S0002', '二号店', 'convenience', '华东', '杭州', '2020-01-01')`,
    );
  app = await buildServer({ engine: warehouse, appStore: store, relayEveryMs: 100 });
});
afterAll(async () => {
  await app.close();
  await warehouse.close();
  await store.close();
});

let keys = 0;
const post = async (url: string, payload: object) => {
  const res = await app.inject({
    method: 'POST',
    url,
    payload,
    headers: { ...bearer(token), 'idempotency-key': `relay-${++keys}` },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
};

describe('member center into the warehouse', () => {
  it('relays every change once and the catalogue KPIs equal the ledger', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) codes.push((await post('/api/v1/members', { phone: `1580000000${i}` })).code);
    const [a, b, c] = codes as [string, string, string];
    await post(`/api/v1/members/${a}/wallet/top-up`, { amount: '200', store: 1 });
    const paid = await post(`/api/v1/members/${a}/wallet/pay`, { amount: '33.30', store: 2 });
    await post(`/api/v1/members/${a}/wallet/refund`, { entry: paid.entry, amount: '3.30', store: 2 });
    await post(`/api/v1/members/${b}/wallet/top-up`, { amount: '99.99', store: 2 });
    await post(`/api/v1/members/${b}/wallet/change`, { amount: '0.01', store: 2 });
    await post(`/api/v1/members/${c}/points/earn`, { amount: '88', store: 1 });
    await post(`/api/v1/members/${c}/points/redeem`, { points: 8, store: 1 });
    // Paid membership: a year sold at store 1; a month sold at store 2 and refunded the same day.
    await post(`/api/v1/members/${a}/membership/join`, { plan: 'annual', store: 1 });
    await post(`/api/v1/members/${b}/membership/join`, { plan: 'monthly', store: 2 });
    const [refunded] = await post(`/api/v1/members/${b}/membership/refund`, { store: 2 });
    // The server's loop relays within moments.
    const waiting = async () =>
      Number((await store.query('SELECT count(*) AS n FROM member_outbox WHERE relayed_at IS NULL'))[0]?.n);
    await expect.poll(waiting).toBe(0);
    const found = await reconcile(store, warehouse);
    expect(found).toMatchObject({
      wallet: [],
      points: [],
      waiting: 0,
      paidMembers: { ledger: 1, warehouse: 1 },
    });
    expect(found.totals).toMatchObject({
      ledgerWallet: '290.00',
      warehouseWallet: '290.00',
      ledgerPoints: 80,
    });

    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const answer = await runQuery(warehouse, {
      metrics: [
        'wallet_balance',
        'wallet_top_ups',
        'wallet_bonus_given',
        'wallet_spend',
        'points_balance',
        'points_redeemed',
        'paid_members',
        'membership_sales',
      ],
      dimensions: ['store'],
      timeRange: { from: today, to: today },
    });
    const byStore = Object.fromEntries(answer.rows.map((r) => [String(r.store), r]));
    // Store 1: ¥200 + ¥20 bonus topped up; store 2: ¥99.99 + ¥0.01 in, ¥30 spent net of the refund.
    expect(byStore['一号店']).toMatchObject({
      wallet_top_ups: 200,
      wallet_bonus_given: 20,
      wallet_balance: 220,
      points_balance: 80,
    });
    expect(byStore['二号店']).toMatchObject({ wallet_top_ups: 100, wallet_spend: 30, wallet_balance: 70 });
    expect(byStore['一号店']).toMatchObject({ paid_members: 1, membership_sales: 199 });
    // The month refunded the day it was sold: no member, no sale.
    expect(refunded.refunded).toBe('25.00');
    expect(byStore['二号店']).toMatchObject({ paid_members: 0, membership_sales: 0 });
    const total = answer.rows.reduce((sum, r) => sum + Number(r.wallet_balance), 0);
    expect(total.toFixed(2)).toBe(found.totals.ledgerWallet);
  });

  it('counts members from the center: a merge takes one away, undoing it gives it back', async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const members = async () =>
      (
        await runQuery(warehouse, {
          metrics: ['members'],
          dimensions: [],
          timeRange: { from: today, to: today },
        })
      ).rows[0]?.members;
    const relayed = async () => {
      await expect
        .poll(async () =>
          Number(
            (await store.query('SELECT count(*) AS n FROM member_outbox WHERE relayed_at IS NULL'))[0]?.n,
          ),
        )
        .toBe(0);
    };
    const d = await post('/api/v1/members', {
      phone: '15800000009',
      channel: 'mini_program',
      externalIds: [{ kind: 'card', value: '12345' }],
    });
    const e = await post('/api/v1/members', { phone: '15800000008', store: 2 });
    await post(`/api/v1/members/${d.code}/wallet/top-up`, { amount: '50', store: 1 });
    await relayed();
    expect(await members()).toBe(5);
    // Known by its card number in the warehouse; a member born in the center by the center's own id.
    const rows = await warehouse.query(
      `SELECT CAST(member_id AS VARCHAR) AS id, member_code, tier, registered_channel, home_store_id FROM member
       WHERE member_code IN ($1, $2) ORDER BY member_code`,
      [d.code, e.code],
    );
    expect(rows).toEqual([
      {
        id: '12345',
        member_code: d.code,
        tier: 'wallet',
        registered_channel: 'mini_program',
        home_store_id: null,
      },
      {
        id: String(1_000_000_000_000 + Number(e.code.slice(1))),
        member_code: e.code,
        tier: 'registered',
        registered_channel: 'pos',
        home_store_id: 2,
      },
    ]);

    const merged = await post(`/api/v1/members/${e.code}/merge`, { from: d.code });
    expect(merged.moved).toMatchObject({ wallet: '50.00', externalIds: 1 });
    await relayed();
    expect(await members()).toBe(4);
    expect(await reconcile(store, warehouse)).toMatchObject({
      members: { ledger: 4, warehouse: 4 },
      memberDifferences: [],
      wallet: [],
    });
    const events = await warehouse.query('SELECT type FROM member_event WHERE member_id = 12345 ORDER BY ts');
    expect(events.map((r) => r.type)).toEqual(['register', 'wallet_topup', 'merge']);

    const undone = await post(`/api/v1/members/${e.code}/merge/undo`, { from: d.code });
    expect(undone.returned).toMatchObject({ wallet: '50.00', externalIds: 1 });
    expect(undone.from).toMatchObject({ code: d.code, generation: 'wallet' });
    await relayed();
    expect(await members()).toBe(5);
    const found = await reconcile(store, warehouse);
    expect(found).toMatchObject({ members: { ledger: 5, warehouse: 5 }, memberDifferences: [], wallet: [] });
  });

  it('earns membership fees by day: deferred revenue in the BI equals the ledger', async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const found = await reconcile(store, warehouse);
    // The annual period sold today: nothing earned yet at the start of the day.
    expect(found.deferredRevenue).toEqual({ ledger: '199.00', warehouse: '199.00' });
    const [period] = (await store.query<{ starts_on: string; ends_on: string }>(
      "SELECT CAST(starts_on AS TEXT) AS starts_on, CAST(ends_on AS TEXT) AS ends_on FROM membership WHERE plan = 'annual'",
    )) as [{ starts_on: string; ends_on: string }];
    const days = (Date.parse(period.ends_on) - Date.parse(period.starts_on)) / 86_400_000 + 1;
    const answer = await runQuery(warehouse, {
      metrics: ['membership_revenue', 'deferred_revenue', 'membership_sales'],
      dimensions: [],
      timeRange: { from: today, to: today },
    });
    // Today's share in whole fen; what is left at the end of today is still deferred.
    const share = Math.floor(19_900 / days);
    // Exact, as decimals: a sum of floats would show 198.45999999.
    expect(answer.rows[0]).toMatchObject({
      membership_sales: 199,
      membership_revenue: share / 100,
      deferred_revenue: (19_900 - share) / 100,
    });
    const [whole] = await warehouse.query(
      'SELECT CAST(sum(earned) AS VARCHAR) AS earned, CAST(sum(sold) AS VARCHAR) AS sold FROM membership_revenue_day',
    );
    expect(whole).toEqual({ earned: '199.00', sold: '199.00' });
  });

  it('lands a batch sent twice once (a relay that died before marking its rows)', async () => {
    const before = await warehouse.query('SELECT count(*) AS n FROM wallet_entry');
    await store.query('UPDATE member_outbox SET relayed_at = NULL');
    const again = await relayOutbox(store, warehouse);
    expect(again.relayed).toBeGreaterThan(0);
    expect(await warehouse.query('SELECT count(*) AS n FROM wallet_entry')).toEqual(before);
    expect(await reconcile(store, warehouse)).toMatchObject({ wallet: [], points: [] });
  });

  it('reports a difference when the warehouse lost an entry', async () => {
    await warehouse.write("DELETE FROM wallet_entry WHERE kind = 'change'");
    const found = await reconcile(store, warehouse);
    expect(found.wallet).toHaveLength(1);
    expect(found.wallet[0]).toMatchObject({ ledger: '100.00', warehouse: '99.99' });
  });

  it('counts a period bought by a member who paid before as a renewal (续费)', async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const [a] = await store.query<{ code: string }>(
      "SELECT m.code FROM membership p JOIN member m ON m.id = p.member_id WHERE p.plan = 'annual' LIMIT 1",
    );
    await post(`/api/v1/members/${a?.code}/membership/renew`, { store: 1 });
    await relayOutbox(store, warehouse);
    const answer = await runQuery(warehouse, {
      metrics: ['membership_renewals', 'membership_sales'],
      dimensions: ['store'],
      timeRange: { from: today, to: today },
    });
    const byStore = Object.fromEntries(answer.rows.map((r) => [String(r.store), r]));
    // The first year sold today is no renewal; the second is. The month refunded on the day sold none.
    expect(byStore['一号店']).toMatchObject({ membership_renewals: 1, membership_sales: 398 });
    expect(byStore['二号店']).toMatchObject({ membership_renewals: 0 });
  });
});
