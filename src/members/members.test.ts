import { afterAll, describe, expect, it } from 'vitest';
import { freshPostgresStore } from '../../test/support/postgres.js';
import { tempAppStore } from '../../test/support/server.js';
import type { AppStore } from '../appstore/index.js';
import { type MemberActor, MemberCenter, toFen, yuan } from './index.js';

const opened: AppStore[] = [];
afterAll(async () => {
  for (const store of opened) await store.close();
});

const STORES: [string, () => Promise<AppStore>][] = [
  ['embedded PGlite', tempAppStore],
  ['PostgreSQL server', () => freshPostgresStore('zhongtai_members_test')],
];

const till: MemberActor = { id: 'till-3', stores: new Set([3]), pii: false };
const hq: MemberActor = { id: 'hq', stores: null, pii: true };

let keys = 0;
const key = () => `k-${++keys}`;

describe('money as exact fen', () => {
  it('reads yuan as text, never through float arithmetic, and refuses what is not an amount', () => {
    expect(toFen('12.30', 'amount')).toBe(1230);
    expect(toFen(0.1, 'amount')).toBe(10);
    expect(toFen(19.99, 'amount')).toBe(1999);
    expect(toFen('1000000', 'amount')).toBe(100_000_000);
    for (const bad of ['-1', '0', '0.001', '1e3', '12.345', '', 'abc', '1000000.01', null, Number.NaN])
      expect(() => toFen(bad, 'amount'), String(bad)).toThrow(/amount/);
    expect(yuan(1230)).toBe('12.30');
    expect(yuan(-5)).toBe('-0.05');
  });
});

describe.each(STORES)('member center on %s', (_name, open) => {
  let center: MemberCenter;
  let today = '2026-06-15';
  const ready = (async () => {
    const store = await open();
    opened.push(store);
    center = await MemberCenter.open(store, { today: () => today });
    return store;
  })();

  it('registers by mobile number, shows it masked, finds the member by phone or an external id', async () => {
    await ready;
    const made = await center.register(till, key(), {
      phone: '+86 138-0013-1234',
      name: '王芳',
      store: 3,
      externalIds: [{ kind: 'wechat_openid', value: 'o-abc' }],
    });
    expect(made.status).toBe(201);
    expect(made.answer).toMatchObject({
      phone: '138****1234',
      name: '王芳',
      generation: 'registered',
      homeStore: 3,
    });
    expect(made.answer.code).toMatch(/^M\d{8}$/);
    expect((await center.find(hq, { phone: '13800131234' })).phone).toBe('13800131234');
    expect((await center.find(till, { kind: 'wechat_openid', value: 'o-abc' })).code).toBe(made.answer.code);
    await expect(center.register(till, key(), { phone: '13800131234', externalIds: [] })).rejects.toThrow(
      /already member M\d{8}/,
    );
    for (const phone of ['1380013123', '12800131234', '138001312345', 'abc'])
      await expect(center.register(till, key(), { phone, externalIds: [] }), phone).rejects.toThrow(/mobile/);
    await expect(
      center.register(till, key(), { phone: '13900000001', store: 4, externalIds: [] }),
    ).rejects.toThrow(/store 4/);
    await expect(center.find(till, { phone: '13999999999' })).rejects.toThrow(/No member 139\*\*\*\*9999/);
  });

  it('registers a number sent by five tills at once once, telling the others it is taken', async () => {
    await ready;
    const tries = await Promise.allSettled(
      Array.from({ length: 5 }, () =>
        center.register(till, key(), { phone: '13755550000', externalIds: [] }),
      ),
    );
    expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(1);
    for (const t of tries)
      if (t.status === 'rejected') expect((t.reason as { code: string }).code).toBe('CONFLICT');
  });

  it('keeps phone numbers encrypted at rest: the table holds no number', async () => {
    const store = await ready;
    await center.register(hq, key(), { phone: '13712345678', externalIds: [] });
    const rows = await store.query('SELECT * FROM member');
    expect(JSON.stringify(rows)).not.toContain('13712345678');
    expect(JSON.stringify(rows)).toContain('137****5678');
  });

  it('answers a retried key with the first answer, and refuses the key with another request', async () => {
    await ready;
    const { answer: m } = await center.register(hq, key(), { phone: '13600000001', externalIds: [] });
    const k = key();
    const first = await center.moveWallet(till, k, m.code, 'top_up', { amount: '50', store: 3 });
    const again = await center.moveWallet(till, k, m.code, 'top_up', { amount: 50, store: 3 });
    expect(again).toEqual({ ...first, replayed: true });
    expect((await center.wallet(hq, m.code)).entries).toHaveLength(1);
    await expect(center.moveWallet(till, k, m.code, 'top_up', { amount: '60', store: 3 })).rejects.toThrow(
      /used before for another request/,
    );
    await expect(
      center.moveWallet(till, undefined, m.code, 'top_up', { amount: '60', store: 3 }),
    ).rejects.toThrow(/Idempotency-Key/);
    // Another caller's key 1 is its own.
    const other = await center.moveWallet({ ...till, id: 'till-9' }, k, m.code, 'top_up', {
      amount: '60',
      store: 3,
    });
    expect(other.replayed).toBe(false);
  });

  it('tops up with the bonus tier (充200送20), pays in proportion, refunds in the same shares, balances to zero', async () => {
    const store = await ready;
    const { answer: m } = await center.register(hq, key(), { phone: '13600000002', externalIds: [] });
    const top = await center.moveWallet(till, key(), m.code, 'top_up', { amount: '200', store: 3 });
    expect(top.answer).toMatchObject({ kind: 'top_up', principal: '200.00', bonus: '20.00' });
    expect(top.answer.after).toEqual({ balance: '220.00', principal: '200.00', bonus: '20.00' });
    expect((await center.get(hq, m.code)).generation).toBe('wallet');
    // ¥110 of ¥220, ten parts principal to one of bonus.
    const paid = await center.moveWallet(till, key(), m.code, 'pay', { amount: '110.00', store: 3 });
    expect(paid.answer).toMatchObject({ amount: '-110.00', principal: '-100.00', bonus: '-10.00' });
    await expect(
      center.moveWallet(till, key(), m.code, 'pay', { amount: '110.01', store: 3 }),
    ).rejects.toThrow(/holds 110.00, not 110.01/);
    const back = await center.refund(till, key(), m.code, {
      entry: paid.answer.entry,
      amount: '55',
      store: 3,
    });
    expect(back.answer).toMatchObject({ principal: '50.00', bonus: '5.00', reverses: paid.answer.entry });
    await expect(
      center.refund(till, key(), m.code, { entry: paid.answer.entry, amount: '55.01', store: 3 }),
    ).rejects.toThrow(/55.00 left to refund/);
    await center.refund(till, key(), m.code, { entry: paid.answer.entry, amount: '55', store: 3 });
    expect((await center.wallet(hq, m.code)).balance).toEqual({
      balance: '220.00',
      principal: '200.00',
      bonus: '20.00',
    });
    // The whole top-up taken back while unspent; a second reversal is refused.
    await center.reverseTopUp(hq, key(), m.code, { entry: top.answer.entry });
    await expect(center.reverseTopUp(hq, key(), m.code, { entry: top.answer.entry })).rejects.toThrow(
      /reversed already/,
    );
    expect((await center.wallet(hq, m.code)).balance.balance).toBe('0.00');
    const accounts = await center.trialBalance();
    expect(Object.values(accounts).reduce((a, b) => a + b, 0)).toBe(0);
    const [unbalanced] = await store.query(
      'SELECT entry_id FROM journal_line GROUP BY entry_id HAVING sum(amount) <> 0 LIMIT 1',
    );
    expect(unbalanced).toBeUndefined();
  });

  it('refuses to reverse a top-up the member has spent from, changing nothing', async () => {
    await ready;
    const { answer: m } = await center.register(hq, key(), { phone: '13600000003', externalIds: [] });
    const top = await center.moveWallet(till, key(), m.code, 'top_up', { amount: '100', store: 3 });
    await center.moveWallet(till, key(), m.code, 'pay', { amount: '0.01', store: 3 });
    await expect(center.reverseTopUp(hq, key(), m.code, { entry: top.answer.entry })).rejects.toThrow(
      /part of it is spent/,
    );
    expect((await center.wallet(hq, m.code)).balance.balance).toBe('99.99');
    await center.moveWallet(till, key(), m.code, 'change', { amount: '0.50', store: 3 });
    expect((await center.wallet(hq, m.code)).balance).toEqual({
      balance: '100.49',
      principal: '100.49',
      bonus: '0.00',
    });
  });

  it('earns points by yuan (double for paid members), redeems the soonest-expiring first, expires lots, reverses', async () => {
    await ready;
    const { answer: m } = await center.register(hq, key(), { phone: '13600000004', externalIds: [] });
    today = '2025-03-01';
    const early = await center.earn(till, key(), m.code, { amount: '99.90', store: 3 });
    expect(early.answer).toMatchObject({ kind: 'earn', points: 99, balance: 99 });
    today = '2026-06-15';
    const later = await center.earn(till, key(), m.code, { amount: '50', store: 3 });
    expect(later.answer.balance).toBe(149);
    const used = await center.redeem(till, key(), m.code, { points: 100, store: 3 });
    expect(used.answer).toMatchObject({ points: -100, balance: 49 });
    await expect(center.redeem(till, key(), m.code, { points: 50, store: 3 })).rejects.toThrow(/only|has 49/);
    // The 2025 lot (expiring 2026-12-31) was used first: 49 of the 2026 lot remain, lasting to 2027-12-31.
    today = '2027-01-01';
    expect((await center.expirePoints()).points).toBe(0);
    expect((await center.points(hq, m.code)).balance).toBe(49);
    // A return takes back the later earning's 50: 49 are there, 1 was spent.
    const reversed = await center.reverseEarn(till, key(), m.code, { entry: later.answer.entry });
    expect(reversed.answer).toMatchObject({ kind: 'reverse', points: -49, balance: 0, shortfall: 1 });
    await expect(center.reverseEarn(till, key(), m.code, { entry: later.answer.entry })).rejects.toThrow(
      /already/,
    );
    today = '2027-02-01';
    const again = await center.earn(till, key(), m.code, { amount: '10', store: 3 });
    expect(again.answer.balance).toBe(10);
    today = '2029-01-01';
    expect(await center.expirePoints()).toEqual({ members: 1, points: 10 });
    expect((await center.points(hq, m.code)).entries[0]).toMatchObject({
      kind: 'expire',
      points: -10,
      balance: 0,
    });
    today = '2026-06-15';
  });

  it('sells paid membership: double points, renewals back to back, pro-rata refund, expiry back to wallet', async () => {
    await ready;
    today = '2026-03-01';
    const { answer: m } = await center.register(hq, key(), { phone: '13600000006', externalIds: [] });
    await center.moveWallet(till, key(), m.code, 'top_up', { amount: '100', store: 3 });
    const joined = await center.buyMembership(till, key(), m.code, { plan: 'annual', store: 3 }, false);
    expect(joined.answer).toMatchObject({
      plan: 'annual',
      startsOn: '2026-03-01',
      endsOn: '2027-02-28',
      price: '199.00',
    });
    expect((await center.get(hq, m.code)).generation).toBe('paid');
    await expect(
      center.buyMembership(till, key(), m.code, { plan: 'annual', store: 3 }, false),
    ).rejects.toThrow(/renew instead/);
    await expect(center.buyMembership(till, key(), m.code, { plan: 'gold', store: 3 }, true)).rejects.toThrow(
      /No plan gold/,
    );
    expect((await center.earn(till, key(), m.code, { amount: '10', store: 3 })).answer.points).toBe(20);
    const renewed = await center.buyMembership(till, key(), m.code, { store: 3 }, true);
    expect(renewed.answer).toMatchObject({ startsOn: '2027-03-01', endsOn: '2028-02-29' });
    // Half a year on: 184 of 365 days earned; refunded from today on, and the renewal in full.
    today = '2026-09-01';
    expect((await center.deferredRevenue()).earned).toBe('100.31');
    const refunded = await center.refundMembership(till, key(), m.code, { store: 3 });
    expect(refunded.answer.map((p) => p.refunded)).toEqual(['98.69', '199.00']);
    expect((await center.get(hq, m.code)).generation).toBe('wallet');
    expect((await center.memberships(hq, m.code)).active).toBeNull();
    // The wallet shows its own movements only.
    expect((await center.wallet(hq, m.code)).entries.map((e) => e.kind)).toEqual(['top_up']);
    // A monthly member from a month's last day: to the end of February, then back to registered.
    today = '2026-01-31';
    const { answer: n } = await center.register(hq, key(), { phone: '13600000007', externalIds: [] });
    const monthly = await center.buyMembership(till, key(), n.code, { plan: 'monthly', store: 3 }, false);
    expect(monthly.answer.endsOn).toBe('2026-02-28');
    today = '2026-03-01';
    expect((await center.daily()).memberships).toEqual({ periods: 1, members: 1 });
    expect((await center.get(hq, n.code)).generation).toBe('registered');
    const accounts = await center.trialBalance();
    expect(Object.values(accounts).reduce((a, b) => a + b, 0)).toBe(0);
    expect(accounts.membership_deferred ?? 0).toBe(0);
    // Earned: 184 days of the annual period (199.00 − 98.69) and the whole month (25.00).
    expect(accounts.membership_revenue).toBe(-(19900 - 9869 + 2500));
    today = '2026-06-15';
  });

  it('merges two records of one person: wallet, points, ids move; the old code and phone find the new member', async () => {
    await ready;
    const { answer: old } = await center.register(hq, key(), {
      phone: '13600000008',
      externalIds: [{ kind: 'meituan', value: 'mt-8' }],
    });
    const { answer: kept } = await center.register(hq, key(), { phone: '13600000009', externalIds: [] });
    await center.moveWallet(till, key(), old.code, 'top_up', { amount: '200', store: 3 });
    const paid = await center.moveWallet(till, key(), old.code, 'pay', { amount: '22', store: 3 });
    await center.earn(till, key(), old.code, { amount: '50', store: 3 });
    await center.moveWallet(till, key(), kept.code, 'top_up', { amount: '10', store: 3 });
    const merged = await center.merge({ ...hq, username: 'admin-li' }, key(), kept.code, { from: old.code });
    expect(merged.answer.moved).toEqual({ wallet: '198.00', points: 50, externalIds: 1, memberships: 0 });
    expect((await center.get(hq, kept.code)).wallet).toEqual({
      balance: '208.00',
      principal: '190.00',
      bonus: '18.00',
    });
    expect((await center.get(hq, old.code)).code).toBe(kept.code);
    expect((await center.find(hq, { phone: '13600000008' })).code).toBe(kept.code);
    expect((await center.find(hq, { kind: 'meituan', value: 'mt-8' })).code).toBe(kept.code);
    expect((await center.points(hq, kept.code)).balance).toBe(50);
    await expect(center.register(hq, key(), { phone: '13600000008', externalIds: [] })).rejects.toThrow(
      new RegExp(`already member ${kept.code}`),
    );
    // A payment made before the merge is refunded to the merged wallet.
    const back = await center.refund(till, key(), kept.code, {
      entry: paid.answer.entry,
      amount: '22',
      store: 3,
    });
    expect(back.answer.after.balance).toBe('230.00');
    await expect(center.merge(hq, key(), kept.code, { from: old.code })).rejects.toThrow(/nothing to merge/);
    const accounts = await center.trialBalance();
    expect(accounts.merge_clearing ?? 0).toBe(0);
    expect(Object.values(accounts).reduce((x, y) => x + y, 0)).toBe(0);
    const store = await ready;
    const [audit] = await store.query<{ actor: string; detail: { from: string } }>(
      "SELECT actor, detail FROM audit_log WHERE action = 'member.merge' ORDER BY id DESC LIMIT 1",
    );
    expect(audit).toMatchObject({ actor: 'admin-li', detail: { from: old.code } });
  });

  it('undoes a merge while it is unsettled, and refuses once the member moved since', async () => {
    const store = await ready;
    const { answer: p } = await center.register(hq, key(), {
      phone: '13600000031',
      externalIds: [{ kind: 'wechat_openid', value: 'o-11' }],
    });
    const { answer: q } = await center.register(hq, key(), { phone: '13600000032', externalIds: [] });
    await center.moveWallet(till, key(), p.code, 'top_up', { amount: '100', store: 3 });
    await center.earn(till, key(), p.code, { amount: '30', store: 3 });
    await center.buyMembership(till, key(), p.code, { plan: 'monthly', store: 3 }, false);
    const merged = await center.merge(hq, key(), q.code, { from: p.code });
    expect(merged.answer).toMatchObject({
      generation: 'paid',
      moved: { wallet: '100.00', points: 30, memberships: 1 },
    });

    const undoKey = key();
    const undone = await center.undoMerge({ ...hq, username: 'admin-li' }, undoKey, q.code, { from: p.code });
    expect(undone.answer).toMatchObject({
      member: { code: q.code, generation: 'registered' },
      from: { code: p.code, generation: 'paid' },
      returned: { wallet: '100.00', points: 30, externalIds: 1, memberships: 1 },
    });
    expect((await center.get(hq, p.code)).wallet.balance).toBe('100.00');
    expect((await center.get(hq, q.code)).wallet.balance).toBe('0.00');
    expect((await center.points(hq, p.code)).balance).toBe(30);
    expect((await center.memberships(hq, p.code)).active).not.toBeNull();
    expect((await center.memberships(hq, q.code)).active).toBeNull();
    expect((await center.find(hq, { phone: '13600000031' })).code).toBe(p.code);
    expect((await center.find(hq, { kind: 'wechat_openid', value: 'o-11' })).code).toBe(p.code);
    // The same key answers the first answer again; undoing what is not merged is refused.
    expect((await center.undoMerge(hq, undoKey, q.code, { from: p.code })).replayed).toBe(true);
    await expect(center.undoMerge(hq, key(), q.code, { from: p.code })).rejects.toThrow(/is not merged into/);
    const [audit] = await store.query<{ actor: string; detail: { from: string } }>(
      "SELECT actor, detail FROM audit_log WHERE action = 'member.unmerge' ORDER BY id DESC LIMIT 1",
    );
    expect(audit).toMatchObject({ actor: 'admin-li', detail: { from: p.code } });

    // Merged again, and the member pays from the merged wallet: settled, no longer undone.
    await center.merge(hq, key(), q.code, { from: p.code });
    await center.moveWallet(till, key(), q.code, 'pay', { amount: '1', store: 3 });
    await expect(center.undoMerge(hq, key(), q.code, { from: p.code })).rejects.toThrow(
      /can no longer be undone: .* wallet moved since/,
    );
    expect((await center.get(hq, q.code)).wallet.balance).toBe('99.00');
    const accounts = await center.trialBalance();
    expect(accounts.merge_clearing ?? 0).toBe(0);
    expect(Object.values(accounts).reduce((x, y) => x + y, 0)).toBe(0);
  });

  it('corrects a wallet by hand with a reason, a second person approving above the limit', async () => {
    await ready;
    const { answer: m } = await center.register(hq, key(), { phone: '13600000010', externalIds: [] });
    const li = { ...hq, id: 'user:li', username: 'li' };
    const wang = { ...hq, id: 'user:wang', username: 'wang' };
    const small = await center.adjust(li, key(), m.code, {
      account: 'principal',
      direction: 'in',
      amount: '20',
      reason: 'till 3 double-charged, ticket 8812',
    });
    expect(small.status).toBe(201);
    expect(small.answer).toMatchObject({ status: 'posted', amount: '20.00', requestedBy: 'li' });
    await expect(
      center.adjust(li, key(), m.code, {
        account: 'principal',
        direction: 'out',
        amount: '50',
        reason: 'too much',
      }),
    ).rejects.toThrow(/principal holds 20.00/);
    const big = await center.adjust(li, key(), m.code, {
      account: 'bonus',
      direction: 'in',
      amount: '500',
      reason: 'campaign bonus missed, ticket 8813',
    });
    expect(big.status).toBe(202);
    expect(big.answer.status).toBe('pending');
    expect((await center.wallet(hq, m.code)).balance.balance).toBe('20.00');
    await expect(center.decideAdjustment(li, key(), big.answer.id, true)).rejects.toThrow(/another person/);
    const approved = await center.decideAdjustment(wang, key(), big.answer.id, true);
    expect(approved.answer).toMatchObject({ status: 'posted', decidedBy: 'wang' });
    expect((await center.wallet(hq, m.code)).balance).toEqual({
      balance: '520.00',
      principal: '20.00',
      bonus: '500.00',
    });
    await expect(center.decideAdjustment(wang, key(), big.answer.id, false)).rejects.toThrow(
      /posted already/,
    );
    const other = await center.adjust(li, key(), m.code, {
      account: 'bonus',
      direction: 'out',
      amount: '300',
      reason: 'typo',
    });
    await center.decideAdjustment(wang, key(), other.answer.id, false);
    expect((await center.wallet(hq, m.code)).balance.balance).toBe('520.00');
    expect((await center.adjustments('pending')).map((x) => x.id)).not.toContain(other.answer.id);
    const accounts = await center.trialBalance();
    expect(accounts.adjustment_expense).toBe(52000);
    expect(Object.values(accounts).reduce((x, y) => x + y, 0)).toBe(0);
    const store = await ready;
    const logged = await store.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE action LIKE 'member.adjust%' AND target = $1 ORDER BY id",
      [m.code],
    );
    expect(logged.map((l) => l.action)).toEqual([
      'member.adjust',
      'member.adjust',
      'member.adjust.decide',
      'member.adjust',
      'member.adjust.decide',
    ]);
  });

  it('grades by a year’s spend: reached at once, kept through a return, set again at the anniversary', async () => {
    await ready;
    const real = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    today = real;
    const { answer: m } = await center.register(hq, key(), { phone: '13600000012', externalIds: [] });
    expect((await center.get(hq, m.code)).grade).toBe('normal');
    await center.earn(till, key(), m.code, { amount: '1200', store: 3 });
    expect((await center.get(hq, m.code)).grade).toBe('silver');
    const big = await center.earn(till, key(), m.code, { amount: '4000', store: 3 });
    expect((await center.get(hq, m.code)).grade).toBe('gold');
    await center.reverseEarn(till, key(), m.code, { entry: big.answer.entry });
    expect((await center.get(hq, m.code)).grade).toBe('gold');
    // A year and a day on, the spend of the year before it holds nothing: back to normal.
    today = new Date(Date.parse(`${real}T00:00:00Z`) + 366 * 86_400_000).toISOString().slice(0, 10);
    const { grades } = await center.daily();
    expect(grades.lowered).toBeGreaterThanOrEqual(1);
    expect((await center.get(hq, m.code)).grade).toBe('normal');
    today = '2026-06-15';
  });

  it('writes history as of its days when given a clock, and its points expire by those days', async () => {
    const store = await ready;
    let at = new Date('2025-03-01T02:00:00Z');
    const past = await MemberCenter.open(store, { clock: () => at });
    const { answer: m } = await past.register(hq, key(), { phone: '13600000013', externalIds: [] });
    expect(m.registeredAt).toBe('2025-03-01T02:00:00.000Z');
    at = new Date('2025-03-02T11:30:00Z');
    const top = await past.moveWallet(till, key(), m.code, 'top_up', { amount: '100', store: 3 });
    expect(top.answer.at).toBe('2025-03-02T11:30:00.000Z');
    await past.earn(till, key(), m.code, { amount: '100', store: 3 });
    const [lot] = await store.query<{ expires_on: string | Date }>(
      'SELECT CAST(expires_on AS TEXT) AS expires_on FROM points_lot l JOIN member m ON m.id = l.member_id WHERE m.code = $1',
      [m.code],
    );
    expect(lot?.expires_on).toBe('2026-12-31');
    // Writes without a clock are stamped now.
    const later = await center.moveWallet(till, key(), m.code, 'pay', { amount: '1', store: 3 });
    expect(Date.parse(later.answer.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('lets the bonus of a wallet unused for the configured months lapse, never its principal', async () => {
    let at = new Date('2024-01-10T02:00:00Z');
    const past = await MemberCenter.open(await ready, { clock: () => at });
    const { answer: m } = await past.register(hq, key(), { phone: '13600000041', externalIds: [] });
    await past.moveWallet(till, key(), m.code, 'top_up', { amount: '500', store: 3 });
    await past.moveWallet(till, key(), m.code, 'pay', { amount: '56', store: 3 });
    expect((await past.get(hq, m.code)).wallet).toEqual({
      balance: '504.00',
      principal: '450.00',
      bonus: '54.00',
    });
    // By default nothing lapses.
    at = new Date('2026-01-10T02:00:00Z');
    expect((await past.daily()).bonus).toEqual({ members: 0, amount: '0.00' });
    const rules = await center.rulesView();
    await center.setRules(hq, { ...rules, bonusDormancyMonths: 12 });
    const configured = await MemberCenter.open(await ready, { clock: () => at });
    // Twelve months less a day after its last movement: kept.
    at = new Date('2025-01-09T02:00:00Z');
    expect((await configured.daily()).bonus.members).toBe(0);
    at = new Date('2025-01-11T02:00:00Z');
    const lapsed = (await configured.daily()).bonus;
    expect(lapsed.amount).not.toBe('0.00');
    expect((await configured.get(hq, m.code)).wallet).toEqual({
      balance: '450.00',
      principal: '450.00',
      bonus: '0.00',
    });
    const [entry] = (await configured.wallet(hq, m.code)).entries;
    expect(entry).toMatchObject({ kind: 'breakage', principal: '0.00', bonus: '-54.00' });
    const accounts = await center.trialBalance();
    expect(Object.values(accounts).reduce((x, y) => x + y, 0)).toBe(0);
    expect(accounts.breakage_income).toBeLessThanOrEqual(-5400);
    await center.setRules(hq, rules);
  });

  it('writes an outbox row with every change, in the same transaction', async () => {
    const store = await ready;
    const before = Number(
      (await store.query<{ n: string }>('SELECT count(*) AS n FROM member_outbox'))[0]?.n,
    );
    const { answer: m } = await center.register(hq, key(), { phone: '13600000005', externalIds: [] });
    await center.moveWallet(till, key(), m.code, 'top_up', { amount: '10', store: 3 });
    await expect(center.moveWallet(till, key(), m.code, 'pay', { amount: '11', store: 3 })).rejects.toThrow();
    const topics = await store.query<{ topic: string }>(
      'SELECT topic FROM member_outbox ORDER BY id OFFSET $1',
      [before],
    );
    expect(topics.map((t) => t.topic)).toEqual(['member.registered', 'wallet.entry', 'member.generation']);
  });
});
