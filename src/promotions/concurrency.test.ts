import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { freshPostgresStore } from '../../test/support/postgres.js';
import { tempAppStore } from '../../test/support/server.js';
import type { AppStore } from '../appstore/index.js';
import { type MemberActor, MemberCenter } from '../members/index.js';
import { PromotionCenter } from './index.js';

/**
 * Budgets and limits under a crowd of checkouts at once, on the real PostgreSQL server and the embedded store:
 * random bursts of carts from many members, some retried with the same key at the same moment. Afterwards no
 * budget is passed, no member has a promotion more often than allowed, every key took effect once, and the
 * promotion's spend is exactly the sum of its uses.
 */
// Each test its own database: making one fresh ends the connections of any other of that name.
let databases = 0;
const STORES: [string, () => Promise<AppStore>][] = [
  ['PostgreSQL server', () => freshPostgresStore(`zhongtai_promotions_race${++databases}`, 20)],
  ['embedded PGlite', tempAppStore],
];
const opened: AppStore[] = [];
afterAll(async () => {
  for (const store of opened) await store.close();
});

describe.each(STORES)('promotion caps under concurrency on %s', (_name, open) => {
  it('never passes a budget or a per-member limit, whatever the burst', async () => {
    const store = await open();
    opened.push(store);
    const members = await MemberCenter.open(store, { today: () => '2026-12-01' });
    const center = await PromotionCenter.open(store, { members });
    const till: MemberActor = { id: 'till', stores: null, pii: false };
    const codes: string[] = [];
    for (let i = 0; i < 12; i++)
      codes.push(
        (
          await members.register(till, `m${i}`, {
            phone: `1370000${String(i).padStart(4, '0')}`,
            externalIds: [],
          })
        ).answer.code,
      );
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          budget: fc.integer({ min: 1, max: 12 }),
          perMember: fc.integer({ min: 1, max: 3 }),
          carts: fc.array(
            fc.record({ member: fc.integer({ min: 0, max: 11 }), tries: fc.integer({ min: 1, max: 3 }) }),
            {
              minLength: 10,
              maxLength: 40,
            },
          ),
        }),
        async ({ budget, perMember, carts }) => {
          round += 1;
          const id = `mj${round}`;
          // 满100减10 with room for `budget` uses of ¥10.
          await center.save(
            { username: 'test', ip: null },
            {
              promotion: {
                id,
                name: { zh: '满100减10', en: '10 off 100' },
                kind: 'spend_save',
                tiers: [{ spend: '100', save: '10' }],
              },
              budget: String(budget * 10),
              perMember,
            },
          );
          const results = await Promise.all(
            carts.flatMap((cart, i) =>
              Array.from({ length: cart.tries }, () =>
                center
                  .checkout(till, `r${round}-${i}`, {
                    store: 1,
                    channel: 'pos',
                    member: codes[cart.member],
                    lines: [{ sku: 1, qty: 1, unitPrice: '120' }],
                  })
                  .then((w) => ({ i, answer: w.answer })),
              ),
            ),
          );
          // Every try of a key got the one answer of that key.
          const byKey = new Map<number, unknown>();
          for (const r of results) {
            if (byKey.has(r.i)) expect(r.answer).toEqual(byKey.get(r.i));
            byKey.set(r.i, r.answer);
          }
          const [row] = await store.query<{ spent: string; uses: number; sum: string; n: string }>(
            `SELECT p.spent, p.uses, (SELECT coalesce(sum(amount), 0) FROM promotion_use WHERE promotion_id = p.id) AS sum,
                    (SELECT count(DISTINCT checkout_id) FROM promotion_use WHERE promotion_id = p.id) AS n
             FROM promotion p WHERE id = $1`,
            [id],
          );
          const applied = [...byKey.values()].filter((a) =>
            (a as { applied: { promotion: string }[] }).applied.some((x) => x.promotion === id),
          ).length;
          expect(Number(row?.spent)).toBeLessThanOrEqual(budget * 1000);
          expect(Number(row?.spent)).toBe(Number(row?.sum));
          expect(Number(row?.uses)).toBe(applied);
          expect(Number(row?.n)).toBe(applied);
          // As many as budget and limits allow, given who asked.
          const asked = new Map<number, number>();
          for (const c of carts) asked.set(c.member, (asked.get(c.member) ?? 0) + 1);
          const allowed = [...asked.values()].reduce((a, n) => a + Math.min(n, perMember), 0);
          expect(applied).toBe(Math.min(budget, allowed));
          const perCode = await store.query<{ n: string }>(
            'SELECT count(*) AS n FROM promotion_use WHERE promotion_id = $1 GROUP BY member_code',
            [id],
          );
          for (const r of perCode) expect(Number(r.n)).toBeLessThanOrEqual(perMember);
          // The checkouts it was left out of say why.
          const refused = [...byKey.values()].filter((a) =>
            (a as { notApplied: { promotion: string }[] }).notApplied.some((x) => x.promotion === id),
          );
          expect(refused.length).toBe(byKey.size - applied);
        },
      ),
      { numRuns: 12, endOnFailure: true },
    );
  }, 120_000);
});

describe.each(STORES)('coupons under concurrency on %s', (_name, open) => {
  it('redeems a coupon presented by many checkouts at once exactly once, and lets a member claim within the limit', async () => {
    const store = await open();
    opened.push(store);
    const members = await MemberCenter.open(store, { today: () => '2026-12-01' });
    const center = await PromotionCenter.open(store, { members });
    const till: MemberActor = { id: 'till', stores: null, pii: false };
    const code = (await members.register(till, 'c-m', { phone: '13799990000', externalIds: [] })).answer.code;
    await center.saveTemplate(
      { username: 'test', ip: null },
      {
        id: 'c10',
        name: { zh: '10元券', en: '¥10 off' },
        kind: 'amount',
        amount: '10',
        perMember: 2,
        maxIssued: 3,
      },
    );
    // Five claims at once by one member: the limit of two holds.
    const claims = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        center.claim(till, `claim-${i}`, { template: 'c10', member: code }),
      ),
    );
    const claimed = claims.flatMap((c) => (c.status === 'fulfilled' ? [c.value.answer] : []));
    expect(claimed).toHaveLength(2);
    expect(
      claims
        .filter((c) => c.status === 'rejected')
        .every((c) => /已达上限|most allowed/.test(String((c as PromiseRejectedResult).reason))),
    ).toBe(true);
    // The template's cap of three: one more to no one, then none.
    await center.issue(till, 'issue-1', { template: 'c10', count: 1 });
    await expect(center.issue(till, 'issue-2', { template: 'c10', count: 1 })).rejects.toThrow(
      /最多发放 3 张|may issue 3/,
    );

    const coupon = (claimed[0] as { code: string }).code;
    const tries = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        center.checkout(till, `use-${i}`, {
          store: 1,
          channel: 'mini_program',
          member: code,
          coupons: [coupon],
          lines: [{ sku: 1, qty: 1, unitPrice: '50' }],
        }),
      ),
    );
    const used = tries.filter((t) => t.answer.applied.some((a) => a.promotion === `coupon:${coupon}`));
    expect(used).toHaveLength(1);
    expect(used[0]?.answer.saving).toBe('10.00');
    for (const t of tries.filter((x) => x !== used[0]))
      expect(t.answer.notApplied).toContainEqual(
        expect.objectContaining({ promotion: `coupon:${coupon}`, reason: 'coupon_not_valid' }),
      );
    const [row] = await store.query<{ state: string; checkout_id: string }>(
      'SELECT state, checkout_id FROM coupon WHERE code = $1',
      [coupon],
    );
    expect({ ...row, checkout_id: Number(row?.checkout_id) }).toEqual({
      state: 'redeemed',
      checkout_id: used[0]?.answer.checkout,
    });
  }, 120_000);
});
