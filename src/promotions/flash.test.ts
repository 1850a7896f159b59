import { afterAll, describe, expect, it } from 'vitest';
import { freshPostgresStore } from '../../test/support/postgres.js';
import { tempAppStore } from '../../test/support/server.js';
import type { AppStore } from '../appstore/index.js';
import type { FlashOrder } from '../contract/index.js';
import type { MemberActor } from '../members/index.js';
import { FlashGate, PromotionCenter } from './index.js';

/**
 * A flash sale under a burst, on the real PostgreSQL server (alone and behind the Redis gate) and the embedded
 * store: 5,000 orders at once for 500 units from 1,000 members with a limit of 2 sell exactly 500 and nobody
 * more than 2; a retried order answers its first answer; unpaid orders are released and their stock sells
 * again, also after Redis lost its counters.
 */
const opened: AppStore[] = [];
const gates: FlashGate[] = [];
afterAll(async () => {
  for (const store of opened) await store.close();
  for (const gate of gates) await gate.close();
});
const REDIS = process.env.ZHONGTAI_TEST_REDIS ?? 'redis://127.0.0.1:6379/0';
const till: MemberActor = { id: 'app', stores: null, pii: false };
const who = (i: number) => `M${String(i).padStart(8, '0')}`;

describe.each([
  ['PostgreSQL server', () => freshPostgresStore('zhongtai_flash_burst', 20), 5_000, false],
  [
    'PostgreSQL server behind the Redis gate',
    () => freshPostgresStore('zhongtai_flash_gate', 20),
    5_000,
    true,
  ],
  ['embedded PGlite', tempAppStore, 1_000, false],
] as const)('a flash sale on %s', (_name, open, burst, gated) => {
  it(`sells exactly the stock to a burst of ${burst} orders, no member past the limit, and gives unpaid stock back`, async () => {
    const store = await open();
    opened.push(store);
    let now = new Date('2026-12-12T02:00:00Z');
    // The machine's Redis (CI starts it); each run its own keys. Unreachable, the test fails: no quiet skip.
    const gate = gated ? await FlashGate.connect(REDIS, `zhongtai:test:${process.pid}:`) : undefined;
    if (gate) gates.push(gate);
    const center = await PromotionCenter.open(store, { clock: () => now, ...(gate ? { gate } : {}) });
    const by = { username: 'test', ip: null };
    const stock = burst / 10;
    await center.campaigns.saveFlashSale(by, {
      id: 'd12',
      name: { zh: '双十二秒杀', en: '12.12 flash sale' },
      sku: 1001,
      price: '9.90',
      stock,
      perMember: 2,
      startsAt: '2026-12-12T02:00:00Z',
      endsAt: '2026-12-12T04:00:00Z',
      payMinutes: 15,
    });
    const results = await Promise.allSettled(
      Array.from({ length: burst }, (_, i) =>
        center.campaigns.orderFlash(till, `o${i}`, 'd12', { member: who(i % (burst / 5)), qty: 1 }),
      ),
    );
    const orders = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.answer] : []));
    const refusals = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(orders).toHaveLength(stock);
    expect(refusals.every((r) => /sold out|已抢光|limit|限购/.test(r))).toBe(true);
    const perMember = new Map<string, number>();
    for (const o of orders) perMember.set(o.member, (perMember.get(o.member) ?? 0) + o.qty);
    expect(Math.max(...perMember.values())).toBeLessThanOrEqual(2);
    expect(await center.campaigns.flashState('d12')).toMatchObject({ sold: stock, paid: 0, left: 0 });
    expect(orders[0]).toMatchObject({ price: '9.90', state: 'pending' });
    // The stock spread over buckets can grow, never shrink below what is sold.
    const d12 = {
      id: 'd12',
      name: { zh: '双十二秒杀', en: '12.12 flash sale' },
      sku: 1001,
      price: '9.90',
      perMember: 2,
      startsAt: '2026-12-12T02:00:00Z',
      endsAt: '2026-12-12T04:00:00Z',
      payMinutes: 15,
    };
    await expect(center.campaigns.saveFlashSale(by, { ...d12, stock: stock - 1 })).rejects.toThrow(
      /已售出|sold/,
    );
    expect(await center.campaigns.saveFlashSale(by, { ...d12, stock: stock + 3 })).toMatchObject({
      sold: stock,
      left: 3,
    });
    expect(await center.campaigns.saveFlashSale(by, { ...d12, stock })).toMatchObject({
      sold: stock,
      left: 0,
    });
    // A retry of a sold order, after the sale ran out, answers its first answer (the gate sends it through).
    const firstKey = `o${results.findIndex((r) => r.status === 'fulfilled')}`;
    const first = orders[0] as FlashOrder;
    const retried = await center.campaigns.orderFlash(till, firstKey, 'd12', {
      member: first.member,
      qty: 1,
    });
    expect(retried).toMatchObject({ replayed: true, answer: { order: first.order } });

    // A sale with stock for all: the limit is what binds — every member exactly 2, however many they sent.
    await center.campaigns.saveFlashSale(by, {
      id: 'limit',
      name: { zh: '限购测试', en: 'Limit' },
      sku: 1002,
      price: '1',
      stock: burst,
      perMember: 2,
      startsAt: '2026-12-12T02:00:00Z',
      endsAt: '2026-12-12T04:00:00Z',
    });
    const limited = await Promise.allSettled(
      Array.from({ length: burst }, (_, i) =>
        center.campaigns.orderFlash(till, `l${i}`, 'limit', { member: who(i % (burst / 5)), qty: 1 }),
      ),
    );
    expect(limited.filter((r) => r.status === 'fulfilled')).toHaveLength((burst / 5) * 2);
    expect(await center.campaigns.flashState('limit')).toMatchObject({ sold: (burst / 5) * 2 });

    // Half are paid; the rest run out of time and go back on sale.
    for (const o of orders.slice(0, stock / 2))
      await center.campaigns.payFlash(till, `pay-${o.order}`, o.order);
    now = new Date('2026-12-12T02:16:00Z');
    expect(await center.campaigns.releaseUnpaid()).toBe(stock / 2 + (burst / 5) * 2);
    expect(await center.campaigns.flashState('d12')).toMatchObject({
      sold: stock / 2,
      paid: stock / 2,
      left: stock / 2,
    });
    await expect(
      center.campaigns.payFlash(till, 'late', (orders.at(-1) as { order: number }).order),
    ).rejects.toThrow(/超时未支付|not paid in time/);
    // Redis lost the counters (a restart): they load again from PostgreSQL, the record.
    await gate?.forget(['d12']);
    // A member whose order was released may order again; the stock released sells to the next.
    const again = await center.campaigns.orderFlash(till, 'again', 'd12', {
      member: (orders.at(-1) as { member: string }).member,
      qty: 1,
    });
    expect(again.answer.state).toBe('pending');
    // After the window, nothing sells.
    now = new Date('2026-12-12T04:00:00Z');
    await expect(
      center.campaigns.orderFlash(till, 'late-order', 'd12', { member: who(1), qty: 1 }),
    ).rejects.toThrow(/不在活动时间内|not on now/);
  }, 180_000);
});
