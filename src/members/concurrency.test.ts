import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { freshPostgresStore } from '../../test/support/postgres.js';
import { tempAppStore } from '../../test/support/server.js';
import type { AppStore } from '../appstore/index.js';
import type { PointsEntry, WalletEntry } from '../contract/index.js';
import { DEFAULT_RULES, type MemberActor, MemberCenter } from './index.js';

/**
 * The wallet and points under many clients at once, with retries of the same idempotency keys, on both stores
 * the center runs on. Afterwards: the ledger balances, no balance went below zero, every key took effect at
 * most once (exactly once when any of its tries succeeded, all of them answering alike), and replaying the
 * ledger through a plain sequential model gives every balance the center wrote.
 */
const opened: AppStore[] = [];
afterAll(async () => {
  for (const store of opened) await store.close();
});

const STORES: [string, () => Promise<AppStore>, number][] = [
  ['embedded PGlite', tempAppStore, 3],
  ['PostgreSQL server', () => freshPostgresStore('zhongtai_members_concurrency', 16), 6],
];

type Op =
  | { kind: 'top_up' | 'pay' | 'change' | 'earn'; member: number; fen: number; tries: number }
  | { kind: 'refund'; member: number; fen: number; pick: number; tries: number }
  | { kind: 'reverse' | 'reverse_earn'; member: number; pick: number; tries: number }
  | { kind: 'redeem'; member: number; points: number; tries: number }
  /** A second record of the person, topped up, then merged into the member. */
  | { kind: 'merge'; member: number; fen: number; tries: number };

const MEMBERS = 3;
const member = fc.integer({ min: 0, max: MEMBERS - 1 });
const fen = fc.integer({ min: 1, max: 60_000 });
const tries = fc.integer({ min: 1, max: 3 });
const pick = fc.nat(50);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('top_up' as const, 'pay' as const, 'change' as const, 'earn' as const),
    member,
    fen,
    tries,
  }),
  fc.record({ kind: fc.constant('refund' as const), member, fen, pick, tries }),
  fc.record({ kind: fc.constantFrom('reverse' as const, 'reverse_earn' as const), member, pick, tries }),
  fc.record({
    kind: fc.constant('redeem' as const),
    member,
    points: fc.integer({ min: 1, max: 400 }),
    tries,
  }),
  fc.record({ kind: fc.constant('merge' as const), member, fen, tries }),
);

const yuanText = (f: number) => `${Math.floor(f / 100)}.${String(f % 100).padStart(2, '0')}`;
const fenOf = (text: string) => Math.round(Number(text) * 100);
/** Minus without JavaScript's −0, which no ledger holds. */
const neg = (n: number) => 0 - n;

/** The sequential model: a wallet's two balances, moved entry by entry as the rules say. */
function replayWallet(entries: WalletEntry[]): { principal: number; bonus: number } {
  const held = { principal: 0, bonus: 0 };
  const pays = new Map<number, { principal: number; bonus: number }>();
  const topUps = new Map<number, { principal: number; bonus: number }>();
  for (const e of entries) {
    const p = fenOf(e.principal);
    const b = fenOf(e.bonus);
    const amount = p + b;
    if (e.kind === 'top_up') {
      const tier = DEFAULT_RULES.topUpBonus
        .filter((t) => amount - b >= t.from)
        .reduce((m, t) => Math.max(m, t.bonus), 0);
      expect(b, `bonus of top-up ${e.entry}`).toBe(tier);
      topUps.set(e.entry, { principal: p, bonus: b });
    } else if (e.kind === 'change') {
      expect(b).toBe(0);
      topUps.set(e.entry, { principal: p, bonus: b });
    } else if (e.kind === 'pay') {
      const asked = -amount;
      const share = Math.floor((asked * held.bonus) / (held.principal + held.bonus));
      const fromBonus = Math.min(held.bonus, Math.max(share, asked - held.principal));
      expect({ p, b }, `split of pay ${e.entry}`).toEqual({ p: neg(asked - fromBonus), b: neg(fromBonus) });
      pays.set(e.entry, { principal: -p, bonus: -b });
    } else if (e.kind === 'refund') {
      const paid = pays.get(e.reverses as number);
      expect(paid, `refund ${e.entry} of a pay`).toBeDefined();
      if (paid) {
        paid.principal -= p;
        paid.bonus -= b;
        expect(paid.principal, `refunds of pay ${e.reverses}`).toBeGreaterThanOrEqual(0);
        expect(paid.bonus).toBeGreaterThanOrEqual(0);
      }
    } else if (e.kind === 'reverse') {
      const made = topUps.get(e.reverses as number);
      expect({ p, b }, `reverse ${e.entry}`).toEqual({
        p: neg(made?.principal ?? 0),
        b: neg(made?.bonus ?? 0),
      });
      topUps.delete(e.reverses as number);
    }
    held.principal += p;
    held.bonus += b;
    expect(held.principal, `principal after ${e.entry}`).toBeGreaterThanOrEqual(0);
    expect(held.bonus, `bonus after ${e.entry}`).toBeGreaterThanOrEqual(0);
    expect(e.after, `balance written by ${e.entry}`).toEqual({
      balance: yuanText(held.principal + held.bonus),
      principal: yuanText(held.principal),
      bonus: yuanText(held.bonus),
    });
  }
  return held;
}

function replayPoints(entries: PointsEntry[]): number {
  let balance = 0;
  for (const e of entries) {
    balance += e.points;
    expect(balance, `points after ${e.entry}`).toBeGreaterThanOrEqual(0);
    expect(e.balance, `points written by ${e.entry}`).toBe(balance);
  }
  return balance;
}

describe.each(STORES)('member center under concurrency on %s', (_name, open, runs) => {
  it('keeps every balance, key and ledger line right whatever the interleaving', async () => {
    const store = await open();
    opened.push(store);
    const center = await MemberCenter.open(store, { today: () => '2026-06-15' });
    const actor: MemberActor = { id: 'till', stores: null, pii: false };
    const codes: string[] = [];
    for (let i = 0; i < MEMBERS; i++)
      codes.push(
        (
          await center.register(actor, `m-${i}`, {
            phone: `1350000${String(i).padStart(4, '0')}`,
            externalIds: [],
          })
        ).answer.code,
      );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 20, maxLength: 60 }), async (ops) => {
        run += 1;
        const walletDone: Record<number, number[]> = {};
        const earnDone: Record<number, number[]> = {};
        const answers = new Map<string, unknown[]>();
        const send = async (o: Op, i: number) => {
          const key = `r${run}-${i}`;
          const code = codes[o.member] as string;
          const where = { store: 1, reference: key };
          const pickFrom = (list: number[] | undefined, n: number) =>
            list?.length ? list[n % list.length] : 999_999;
          // Each try of the same key sends the same request; refund and reverse aim at entries answered so far.
          const target =
            o.kind === 'refund' || o.kind === 'reverse'
              ? pickFrom(walletDone[o.member], o.pick)
              : o.kind === 'reverse_earn'
                ? pickFrom(earnDone[o.member], o.pick)
                : 0;
          if (o.kind === 'merge') {
            const phone = `139${String(run * 1000 + i).padStart(8, '0')}`;
            const extra = (await center.register(actor, `${key}-reg`, { phone, externalIds: [] })).answer
              .code;
            await center.moveWallet(actor, `${key}-top`, extra, 'top_up', {
              amount: yuanText(o.fen),
              ...where,
            });
            const tries = await Promise.allSettled(
              Array.from({ length: o.tries }, () => center.merge(actor, key, code, { from: extra })),
            );
            const merged = tries.flatMap((r) => (r.status === 'fulfilled' ? [r.value.answer] : []));
            expect(merged.length, key).toBeGreaterThan(0);
            for (const answer of merged) expect(answer, key).toEqual(merged[0]);
            expect((await center.get(actor, extra)).code, key).toBe(code);
            return;
          }
          const attempt = (): Promise<{ answer: WalletEntry | PointsEntry }> => {
            switch (o.kind) {
              case 'top_up':
              case 'pay':
              case 'change':
                return center.moveWallet(actor, key, code, o.kind, { amount: yuanText(o.fen), ...where });
              case 'refund':
                return center.refund(actor, key, code, {
                  entry: target as number,
                  amount: yuanText(o.fen),
                  ...where,
                });
              case 'reverse':
                return center.reverseTopUp(actor, key, code, { entry: target as number, reference: key });
              case 'earn':
                return center.earn(actor, key, code, { amount: yuanText(o.fen), ...where });
              case 'redeem':
                return center.redeem(actor, key, code, { points: o.points, ...where });
              case 'reverse_earn':
                return center.reverseEarn(actor, key, code, { entry: target as number, reference: key });
            }
          };
          const results = await Promise.allSettled(Array.from({ length: o.tries }, attempt));
          const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.answer] : []));
          for (const r of results)
            if (r.status === 'rejected')
              expect(String((r.reason as { code?: string }).code), String(r.reason)).toMatch(
                /NOT_ENOUGH|NOT_FOUND|CONFLICT/,
              );
          answers.set(key, ok);
          const entry = (ok[0] as { entry?: number } | undefined)?.entry;
          const done =
            o.kind === 'earn' ? earnDone : ['pay', 'top_up', 'change'].includes(o.kind) ? walletDone : null;
          if (entry && done) done[o.member] = [...(done[o.member] ?? []), entry];
        };
        // Eight clients take the operations in turn.
        let next = 0;
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            while (next < ops.length) {
              const i = next++;
              await send(ops[i] as Op, i);
            }
          }),
        );
        // Every try of a key answered alike, and the key took effect once or (all tries failing) not at all.
        for (const [key, ok] of answers) {
          for (const answer of ok) expect(answer, key).toEqual(ok[0]);
          const [written] = await store.query<{ n: string }>(
            `SELECT (SELECT count(*) FROM journal_entry WHERE reference = $1) + (SELECT count(*) FROM points_entry WHERE reference = $1) AS n`,
            [key],
          );
          expect(Number(written?.n), key).toBe(ok.length ? 1 : 0);
        }
      }),
      { numRuns: runs },
    );
    // The ledger balances, entry by entry and as a whole.
    const [unbalanced] = await store.query(
      'SELECT entry_id FROM journal_line GROUP BY entry_id HAVING sum(amount) <> 0',
    );
    expect(unbalanced).toBeUndefined();
    expect(Object.values(await center.trialBalance()).reduce((a, b) => a + b, 0)).toBe(0);
    for (const code of codes) {
      const wallet = await center.wallet(actor, code, 100_000);
      const held = replayWallet(wallet.entries.reverse());
      expect(wallet.balance).toEqual({
        balance: yuanText(held.principal + held.bonus),
        principal: yuanText(held.principal),
        bonus: yuanText(held.bonus),
      });
      const points = await center.points(actor, code, 100_000);
      expect(points.balance).toBe(replayPoints(points.entries.reverse()));
    }
  });
});
