import { afterAll, describe, expect, it } from 'vitest';
import { freshPostgresStore } from '../../test/support/postgres.js';
import { tempAppStore } from '../../test/support/server.js';
import type { AppStore } from '../appstore/index.js';
import type { MemberActor } from '../members/index.js';
import { PromotionCenter } from './index.js';

/**
 * Pre-sales (预售, 定金膨胀) on the real PostgreSQL server and the embedded store: a burst of deposits never holds
 * more than the stock nor a member past the limit; the deposit counts for its worth at the balance; a deposit
 * taken back before the balance window is refunded and its unit sells again; a balance not paid in time keeps
 * the deposit (定金不退) or refunds it, as the sale says, and the units come back.
 */
const opened: AppStore[] = [];
afterAll(async () => {
  for (const store of opened) await store.close();
});
const app: MemberActor = { id: 'app', stores: null, pii: false };
const who = (i: number) => `M${String(i).padStart(8, '0')}`;
const by = { username: 'test', ip: null };
const sale = {
  id: 'd11',
  name: { zh: '双十一预售', en: '11.11 pre-sale' },
  sku: 3001,
  price: '299.00',
  deposit: '50.00',
  depositWorth: '100.00',
  stock: 40,
  perMember: 2,
  depositFrom: '2026-10-20T12:00:00Z',
  depositTo: '2026-10-31T16:00:00Z',
  balanceFrom: '2026-10-31T16:00:00Z',
  balanceTo: '2026-11-11T16:00:00Z',
};

describe.each([
  ['PostgreSQL server', () => freshPostgresStore('zhongtai_presale', 20)],
  ['embedded PGlite', tempAppStore],
] as const)('a pre-sale on %s', (_name, open) => {
  it('holds at most the stock, counts the deposit for its worth, refunds or keeps deposits by the rules', async () => {
    const store = await open();
    opened.push(store);
    let now = new Date('2026-10-19T12:00:00Z');
    const center = await PromotionCenter.open(store, { clock: () => now });
    await center.campaigns.savePresale(by, sale);
    await expect(
      center.campaigns.payDeposit(app, 'early', 'd11', { member: who(1), qty: 1 }),
    ).rejects.toThrow(/不在定金支付时间内|no deposits now/);

    now = new Date('2026-10-21T12:00:00Z');
    const burst = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        center.campaigns.payDeposit(app, `d${i}`, 'd11', { member: who(i % 30), qty: 1 }),
      ),
    );
    const orders = burst.flatMap((r) => (r.status === 'fulfilled' ? [r.value.answer] : []));
    expect(orders).toHaveLength(40);
    const perMember = new Map<string, number>();
    for (const o of orders) perMember.set(o.member, (perMember.get(o.member) ?? 0) + o.qty);
    expect(Math.max(...perMember.values())).toBeLessThanOrEqual(2);
    expect(await center.campaigns.presaleState('d11')).toMatchObject({ deposited: 40, paid: 0, left: 0 });
    // ¥50 paid now, worth ¥100: ¥199 due at the balance.
    expect(orders[0]).toMatchObject({
      deposit: '50.00',
      worth: '100.00',
      balance: '199.00',
      state: 'deposited',
    });

    // The same key answers the same order again; the balance cannot be paid yet.
    const first = orders[0] as (typeof orders)[number];
    const key = `d${burst.findIndex((r) => r.status === 'fulfilled')}`;
    const again = await center.campaigns.payDeposit(app, key, 'd11', { member: first.member, qty: 1 });
    expect(again.answer.order).toBe(first.order);
    await expect(center.campaigns.payBalance(app, 'b-early', first.order)).rejects.toThrow(/尾款自|due from/);

    // Taken back before the balance window: refunded, the unit on sale again for someone else.
    const cancelled = await center.campaigns.cancelDeposit(app, 'c1', first.order);
    expect(cancelled.answer.state).toBe('cancelled');
    expect((await center.campaigns.presaleState('d11')).left).toBe(1);
    const late = await center.campaigns.payDeposit(app, 'late', 'd11', { member: who(99), qty: 1 });
    expect(late.answer.state).toBe('deposited');

    // In the balance window: pay some balances; taking a deposit back is over.
    now = new Date('2026-11-01T02:00:00Z');
    const open40 = orders.slice(1).map((o) => o.order);
    await expect(center.campaigns.cancelDeposit(app, 'c2', open40[0] as number)).rejects.toThrow(
      /不可退|no longer/,
    );
    for (const [i, order] of open40.slice(0, 30).entries()) {
      const paid = await center.campaigns.payBalance(app, `b${i}`, order);
      expect(paid.answer).toMatchObject({ state: 'paid', balance: '199.00' });
    }
    expect(await center.campaigns.presaleState('d11')).toMatchObject({ paid: 30, deposited: 10, left: 0 });

    // The window closes: the 10 unpaid keep their deposits (定金不退) and give their units back.
    now = new Date('2026-11-11T16:00:00Z');
    expect(await center.campaigns.settleUnpaidPresales()).toBe(10);
    expect(await center.campaigns.presaleState('d11')).toMatchObject({
      paid: 30,
      deposited: 0,
      left: 10,
      forfeited: '500.00',
    });
    await expect(center.campaigns.payBalance(app, 'b-late', open40[35] as number)).rejects.toThrow(
      /定金不退|forfeited/,
    );

    // A sale that refunds unpaid deposits; a sale whose worth is above its price is refused.
    await center.campaigns.savePresale(by, {
      ...sale,
      id: 'kind',
      refundUnpaid: true,
      depositFrom: '2026-11-12T00:00:00Z',
      depositTo: '2026-11-13T00:00:00Z',
      balanceFrom: '2026-11-13T00:00:00Z',
      balanceTo: '2026-11-14T00:00:00Z',
    });
    now = new Date('2026-11-12T01:00:00Z');
    const kind = await center.campaigns.payDeposit(app, 'k1', 'kind', { member: who(1), qty: 2 });
    expect(kind.answer).toMatchObject({ deposit: '100.00', worth: '200.00', balance: '398.00' });
    now = new Date('2026-11-14T00:00:00Z');
    expect(await center.campaigns.settleUnpaidPresales()).toBe(1);
    expect((await center.campaigns.presaleOrder(kind.answer.order)).state).toBe('refunded');
    await expect(
      center.campaigns.savePresale(by, { ...sale, id: 'bad', depositWorth: '300.00' }),
    ).rejects.toThrow(/不能大于预售价|at most the price/);
  }, 60_000);
});
