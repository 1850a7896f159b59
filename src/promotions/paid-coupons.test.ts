import { afterAll, describe, expect, it } from 'vitest';
import { tempAppStore } from '../../test/support/server.js';
import type { AppStore } from '../appstore/index.js';
import { type MemberActor, MemberCenter } from '../members/index.js';
import { PromotionCenter } from './index.js';

/**
 * Paid members' monthly coupons through the member center's hook: a member who buys paid membership gets the
 * month's coupons on the next sweep, once however often it runs; every paid member gets the next month's on the
 * first sweep of that month; a refunded membership voids the unused coupons and rejoining the same month does
 * not grant them twice; a member who never paid gets none.
 */
const opened: AppStore[] = [];
afterAll(async () => {
  for (const store of opened) await store.close();
});
const till: MemberActor = { id: 'till', stores: null, pii: false };
let keys = 0;
const key = () => `k-${++keys}`;

describe('paid members’ monthly coupons', () => {
  it('grants each month once from the membership hook and the month sweep, and voids them on a refund', async () => {
    const store = await tempAppStore();
    opened.push(store);
    let today = '2026-06-15';
    const members = await MemberCenter.open(store, { today: () => today });
    const promotions = await PromotionCenter.open(store, {
      members,
      clock: () => new Date(`${today}T04:00:00Z`),
    });
    await promotions.saveTemplate(
      { username: 'test', ip: null },
      {
        id: 'paid-5',
        name: { zh: '付费会员5元券', en: 'Paid member ¥5' },
        kind: 'amount',
        amount: '5',
        validDays: 30,
        paidMonthly: 2,
      },
    );
    const register = async (phone: string) =>
      (await members.register(till, key(), { phone, store: 3, externalIds: [] })).answer.code;
    const paid = await register('13800000001');
    const other = await register('13800000002');
    const held = async (code: string) =>
      (await promotions.couponsOf(code)).filter((c) => c.template === 'paid-5').map((c) => c.state);

    // Before anyone pays, the month's sweep grants nothing.
    expect(await promotions.grantPaidCoupons()).toEqual({ granted: 0, voided: 0 });
    await members.buyMembership(till, key(), paid, { plan: 'annual', store: 3 }, false);
    expect(await promotions.grantPaidCoupons()).toEqual({ granted: 2, voided: 0 });
    expect(await promotions.grantPaidCoupons()).toEqual({ granted: 0, voided: 0 });
    expect(await held(paid)).toEqual(['issued', 'issued']);
    expect(await held(other)).toEqual([]);

    // A new month: the paid member gets its coupons on the first sweep, the other still none.
    today = '2026-07-01';
    expect(await promotions.grantPaidCoupons()).toEqual({ granted: 2, voided: 0 });
    expect(await held(paid)).toHaveLength(4);

    // The other joins (2 at once), is refunded (its unused coupons void), and rejoins: no second grant this month.
    await members.buyMembership(till, key(), other, { plan: 'monthly', store: 3 }, false);
    expect(await promotions.grantPaidCoupons()).toEqual({ granted: 2, voided: 0 });
    await members.refundMembership(till, key(), other, { store: 3 });
    expect(await promotions.grantPaidCoupons()).toEqual({ granted: 0, voided: 2 });
    expect(await held(other)).toEqual(['void', 'void']);
    await members.buyMembership(till, key(), other, { plan: 'monthly', store: 3 }, false);
    expect((await promotions.grantPaidCoupons()).granted).toBe(0);
    // The paid member's coupons were never touched by the other's refund.
    expect(await held(paid)).toEqual(['issued', 'issued', 'issued', 'issued']);
    const liability = (await promotions.templates()).find((t) => t.template.id === 'paid-5');
    expect(liability).toMatchObject({ issued: 6 });
  }, 60_000);
});
