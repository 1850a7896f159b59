import { type AppStore, migrate, recordAudit } from '../appstore/index.js';
import type {
  Adjustment,
  Member,
  MemberRulesView,
  Membership,
  PointsEntry,
  WalletBalance,
  WalletEntry,
} from '../contract/index.js';
import { chainToday, ZhongtaiError } from '../model/index.js';
import { decideAdjustment, listAdjustments, requestAdjustment } from './adjust.js';
import { gradeAnniversaries, raiseGrade } from './grades.js';
import { historyOf } from './history.js';
import {
  findMember,
  linkId,
  memberByCode,
  memberItself,
  memberView,
  type RegisterInput,
  registerMember,
} from './identity.js';
import {
  buyMembership,
  deferredRevenue,
  expireMemberships,
  membershipsOf,
  plansOf,
  refundMembership,
} from './membership.js';
import { type Merged, mergeMembers, undoMerge } from './merge.js';
import { toFen } from './money.js';
import { checkKey, once, onceInline, type Written } from './once.js';
import { type PiiKey, piiKey } from './phone.js';
import { earn, expirePoints, pointsOf, redeem, reverseEarn } from './points.js';
import { type MemberRules, readRules, rulesFrom, rulesView, saveRules } from './rules.js';
import { MEMBER_SCHEMA } from './schema.js';
import {
  lapseBonus,
  memberWithWallet,
  pay,
  putIn,
  refund,
  reverseTopUp,
  trialBalance,
  walletOf,
} from './wallet.js';

/** Who calls: whose keys these are, where they may act, and whether they see phone numbers in full. */
export interface MemberActor {
  /** Idempotency keys are the caller's own: two tills may both send key 1. */
  id: string;
  /** The stores the caller may act for (a till's token: its store); null: any. */
  stores: ReadonlySet<number> | null;
  pii: boolean;
  /** For the audit log: who, from where. */
  username?: string;
  ip?: string;
}

export interface MemberCenterOptions {
  /** Today in the chain's time zone (Asia/Shanghai); tests set it. */
  today?: () => string;
  /**
   * When writes happen, if not now: history written as of its days (the demo chain's members). Sets `today`
   * too, unless given.
   */
  clock?: () => Date;
}

const RULES_FRESH_MS = 5_000;

/**
 * The member center (会员中台): one member across channels, the stored-value wallet and points, in the
 * application store. Every write takes an idempotency key and runs in one transaction with its outbox row.
 */
export class MemberCenter {
  private constructor(
    private readonly store: AppStore,
    private readonly key: PiiKey,
    private readonly rules: () => Promise<MemberRules>,
    /** A change of the rules is seen by the next write, not in a few seconds. */
    private readonly forgetRules: () => void,
    private readonly today: () => string,
    private readonly clock: (() => Date) | undefined,
  ) {}

  static async open(store: AppStore, options: MemberCenterOptions = {}): Promise<MemberCenter> {
    await migrate(store, 'member_schema_meta', MEMBER_SCHEMA);
    // The rules change seldom (an administrator's setting): read again at most every few seconds, not per write.
    let rules: { value: Promise<MemberRules>; at: number } | undefined;
    const current = () => {
      if (!rules || Date.now() - rules.at > RULES_FRESH_MS)
        rules = {
          // A failed read is not kept: the next write reads again.
          value: readRules(store).catch((error: unknown) => {
            rules = undefined;
            throw error;
          }),
          at: Date.now(),
        };
      return rules.value;
    };
    const clock = options.clock;
    const today = options.today ?? (clock ? () => chainToday(clock()) : () => chainToday());
    const forget = () => {
      rules = undefined;
    };
    return new MemberCenter(store, await piiKey(store), current, forget, today, clock);
  }

  private write<T>(
    actor: MemberActor,
    key: string | undefined,
    request: unknown,
    work: Parameters<typeof once<T>>[4],
  ) {
    return once<T>(this.store, actor.id, checkKey(key), request, work, this.clock?.());
  }

  private checkStore(actor: MemberActor, store: number): void {
    if (actor.stores && !actor.stores.has(store))
      throw new ZhongtaiError(
        'FORBIDDEN',
        { en: `You may not act for store ${store}`, zh: `您无权代表门店 ${store} 操作` },
        { field: 'store' },
      );
  }

  async register(
    actor: MemberActor,
    key: string | undefined,
    input: RegisterInput,
  ): Promise<Written<Member>> {
    if (input.store !== undefined) this.checkStore(actor, input.store);
    return this.write(actor, key, ['register', input], async (tx) => {
      const row = await registerMember(tx, this.key, input);
      return { status: 201, answer: await memberView(tx, this.key, row, actor.pii) };
    });
  }

  async find(actor: MemberActor, by: { phone?: string; kind?: string; value?: string }): Promise<Member> {
    const row = await findMember(this.store, this.key, by);
    return memberView(this.store, this.key, row, actor.pii);
  }

  async get(actor: MemberActor, code: string): Promise<Member & { wallet: WalletBalance; points: number }> {
    const row = await memberByCode(this.store, code);
    const [view, wallet, points] = [
      await memberView(this.store, this.key, row, actor.pii),
      await walletOf(this.store, row, 0),
      await pointsOf(this.store, row, 0, this.today()),
    ];
    return { ...view, wallet: wallet.balance, points: points.balance };
  }

  /** Phones of members by code, masked unless the reader may see them in full (an audience's export). */
  async phones(codes: string[], pii: boolean): Promise<Map<string, string>> {
    if (!codes.length) return new Map();
    const rows = await this.store.query<{ code: string; phone_sealed: string; phone_masked: string }>(
      'SELECT code, phone_sealed, phone_masked FROM member WHERE code = ANY($1)',
      [codes],
    );
    return new Map(rows.map((r) => [r.code, pii ? this.key.decrypt(r.phone_sealed) : r.phone_masked]));
  }

  /** Joining, generation and grade changes, merges: newest first. */
  async history(_actor: MemberActor, code: string) {
    return { changes: await historyOf(this.store, await memberByCode(this.store, code)) };
  }

  async link(actor: MemberActor, key: string | undefined, code: string, id: { kind: string; value: string }) {
    return this.write<Member>(actor, key, ['link', code, id], async (tx) => {
      const row = await memberByCode(tx, code);
      await linkId(tx, row, id);
      return { status: 200, answer: await memberView(tx, this.key, row, actor.pii) };
    });
  }

  /** Top-up (充值), change into the wallet (找零存入) and pay (储值支付): an amount at a store. */
  async moveWallet(
    actor: MemberActor,
    key: string | undefined,
    code: string,
    kind: 'top_up' | 'change' | 'pay',
    input: { amount: unknown; store: number; reference?: string },
  ): Promise<Written<WalletEntry>> {
    const fen = toFen(input.amount, 'amount');
    this.checkStore(actor, input.store);
    const where = { store: input.store, reference: input.reference ?? null };
    // Read before the transaction: on the embedded store a read beside an open transaction waits for it.
    const rules = await this.rules();
    // The hottest write of the center: the key checked with the member and wallet locked, and claimed with
    // the entry, in four round trips with BEGIN and COMMIT.
    return onceInline<WalletEntry>(
      this.store,
      actor.id,
      checkKey(key),
      [kind, code, fen, where],
      async (tx, claim) => {
        const found = await memberWithWallet<WalletEntry>(tx, code, claim);
        if ('kept' in found) return found;
        const fast = { held: found.held, claim };
        const entry =
          kind === 'pay'
            ? await pay(tx, rules, found.member, fen, where, fast)
            : await putIn(tx, rules, found.member, kind, fen, where, fast);
        return { status: 201, answer: entry };
      },
      this.clock?.(),
    );
  }

  async refund(
    actor: MemberActor,
    key: string | undefined,
    code: string,
    input: { entry: number; amount: unknown; store: number; reference?: string },
  ): Promise<Written<WalletEntry>> {
    const fen = toFen(input.amount, 'amount');
    this.checkStore(actor, input.store);
    const where = { store: input.store, reference: input.reference ?? null };
    return this.write(actor, key, ['refund', code, input.entry, fen, where], async (tx) => ({
      status: 201,
      answer: await refund(tx, await memberByCode(tx, code), input.entry, fen, where),
    }));
  }

  async reverseTopUp(
    actor: MemberActor,
    key: string | undefined,
    code: string,
    input: { entry: number; reference?: string },
  ) {
    return this.write<WalletEntry>(actor, key, ['reverse', code, input], async (tx) => ({
      status: 201,
      answer: await reverseTopUp(tx, await memberByCode(tx, code), input.entry, input.reference ?? null),
    }));
  }

  async wallet(_actor: MemberActor, code: string, limit = 50) {
    return walletOf(this.store, await memberByCode(this.store, code), limit);
  }

  async earn(
    actor: MemberActor,
    key: string | undefined,
    code: string,
    input: { amount: unknown; store: number; reference?: string },
  ): Promise<Written<PointsEntry>> {
    const fen = toFen(input.amount, 'amount');
    this.checkStore(actor, input.store);
    const where = { store: input.store, reference: input.reference ?? null };
    const rules = await this.rules();
    return this.write(actor, key, ['earn', code, fen, where], async (tx) => {
      const member = await memberByCode(tx, code);
      const entry = await earn(tx, rules, member, fen, where, this.today());
      await raiseGrade(tx, rules, member, this.today());
      return { status: 201, answer: entry };
    });
  }

  async redeem(
    actor: MemberActor,
    key: string | undefined,
    code: string,
    input: { points: number; store: number; reference?: string },
  ): Promise<Written<PointsEntry>> {
    this.checkStore(actor, input.store);
    const where = { store: input.store, reference: input.reference ?? null };
    return this.write(actor, key, ['redeem', code, input.points, where], async (tx) => ({
      status: 201,
      answer: await redeem(tx, await memberByCode(tx, code), input.points, where, this.today()),
    }));
  }

  async reverseEarn(
    actor: MemberActor,
    key: string | undefined,
    code: string,
    input: { entry: number; reference?: string },
  ) {
    return this.write<PointsEntry>(actor, key, ['reverse-earn', code, input], async (tx) => ({
      status: 201,
      answer: await reverseEarn(
        tx,
        await memberByCode(tx, code),
        input.entry,
        input.reference ?? null,
        this.today(),
      ),
    }));
  }

  async points(_actor: MemberActor, code: string, limit = 50) {
    return pointsOf(this.store, await memberByCode(this.store, code), limit, this.today());
  }

  /** Merges `from` into the member `code` names; `from` answers as that member from then on. */
  async merge(actor: MemberActor, key: string | undefined, code: string, input: { from: string }) {
    return this.write<Member & Merged>(actor, key, ['merge', code, input], async (tx) => {
      const into = await memberByCode(tx, code);
      const by = actor.username ?? actor.id;
      const merged = await mergeMembers(tx, await memberByCode(tx, input.from), into, this.today(), by);
      // Audited in the merge's own transaction: no merge without its entry in the log.
      await recordAudit(tx, {
        actor: by,
        action: 'member.merge',
        target: into.code,
        detail: { from: input.from, ...merged },
        ip: actor.ip ?? null,
      });
      return { status: 201, answer: { ...(await memberView(tx, this.key, into, actor.pii)), ...merged } };
    });
  }

  /** Undoes the merge of `from` into the member `code` names, while that member has not moved since. */
  async undoMerge(actor: MemberActor, key: string | undefined, code: string, input: { from: string }) {
    return this.write<{ member: Member; from: Member; merge: number; returned: Merged['moved'] }>(
      actor,
      key,
      ['unmerge', code, input],
      async (tx) => {
        const into = await memberByCode(tx, code);
        const from = await memberItself(tx, input.from);
        const by = actor.username ?? actor.id;
        const undone = await undoMerge(tx, from, into, this.today(), by);
        await recordAudit(tx, {
          actor: by,
          action: 'member.unmerge',
          target: into.code,
          detail: { from: input.from, ...undone },
          ip: actor.ip ?? null,
        });
        from.merged_into = null;
        return {
          status: 201,
          answer: {
            member: await memberView(tx, this.key, into, actor.pii),
            from: await memberView(tx, this.key, from, actor.pii),
            ...undone,
          },
        };
      },
    );
  }

  /** A wallet corrected by hand: posted at once up to the chain's limit, else waiting for a second person. */
  async adjust(
    actor: MemberActor,
    key: string | undefined,
    code: string,
    input: { account: 'principal' | 'bonus'; direction: 'in' | 'out'; amount: unknown; reason: string },
  ) {
    const fen = toFen(input.amount, 'amount') * (input.direction === 'out' ? -1 : 1);
    const rules = await this.rules();
    return this.write<Adjustment>(
      actor,
      key,
      ['adjust', code, input.account, fen, input.reason],
      async (tx) => {
        const made = await requestAdjustment(
          tx,
          await memberByCode(tx, code),
          { account: input.account, fen, reason: input.reason },
          { username: actor.username ?? actor.id, ip: actor.ip ?? null },
          rules.adjustApprovalAbove,
        );
        return { status: made.status === 'pending' ? 202 : 201, answer: made };
      },
    );
  }

  /** A second person approves or rejects a waiting adjustment. */
  async decideAdjustment(actor: MemberActor, key: string | undefined, id: number, approve: boolean) {
    return this.write<Adjustment>(actor, key, ['decide', id, approve], async (tx) => ({
      status: 200,
      answer: await decideAdjustment(
        tx,
        id,
        approve,
        { username: actor.username ?? actor.id, ip: actor.ip ?? null },
        (code) => memberByCode(tx, code),
      ),
    }));
  }

  adjustments(status: Adjustment['status'] | null) {
    return listAdjustments(this.store, status);
  }

  async plans() {
    return plansOf(await this.rules());
  }

  /** The rules as the API shows them (会员规则): bonus tiers, points, plans, refunds, grades, approvals. */
  async rulesView(): Promise<MemberRulesView> {
    return rulesView(await this.rules());
  }

  /** New rules from an administrator, checked whole and audited; plans members hold today are kept. */
  async setRules(actor: MemberActor, view: MemberRulesView): Promise<MemberRulesView> {
    const saved = await this.store.transaction(async (tx) => {
      const inUse = await tx.query<{ plan: string }>(
        'SELECT DISTINCT plan FROM membership WHERE refunded IS NULL AND ends_on >= $1',
        [this.today()],
      );
      const rules = rulesFrom(
        view,
        inUse.map((r) => r.plan),
      );
      await saveRules(tx, rules);
      await recordAudit(tx, {
        actor: actor.username ?? actor.id,
        action: 'members.rules',
        detail: view,
        ip: actor.ip ?? null,
      });
      return rules;
    });
    this.forgetRules();
    return rulesView(saved);
  }

  /** Buys paid membership (`renew`: a period from the day after the last one ends). */
  async buyMembership(
    actor: MemberActor,
    key: string | undefined,
    code: string,
    input: { plan?: string; store: number; reference?: string },
    renew: boolean,
  ) {
    this.checkStore(actor, input.store);
    const rules = await this.rules();
    const where = { store: input.store, reference: input.reference ?? null };
    return this.write<Membership>(actor, key, [renew ? 'renew' : 'join', code, input], async (tx) => ({
      status: 201,
      answer: await buyMembership(
        tx,
        rules,
        await memberByCode(tx, code),
        { plan: input.plan, renew },
        where,
        this.today(),
      ),
    }));
  }

  async refundMembership(
    actor: MemberActor,
    key: string | undefined,
    code: string,
    input: { store: number; reference?: string },
  ) {
    this.checkStore(actor, input.store);
    const rules = await this.rules();
    const where = { store: input.store, reference: input.reference ?? null };
    return this.write<Membership[]>(actor, key, ['refund-membership', code, input], async (tx) => ({
      status: 201,
      answer: await refundMembership(tx, rules, await memberByCode(tx, code), where, this.today()),
    }));
  }

  async memberships(_actor: MemberActor, code: string) {
    return membershipsOf(this.store, await memberByCode(this.store, code), this.today());
  }

  /** Deferred and earned membership revenue as of today (递延收入). */
  deferredRevenue() {
    return deferredRevenue(this.store, this.today());
  }

  /** Points lots and paid periods past their day, grades at their anniversary, lapsed bonus (`zhongtai members daily`). */
  async daily() {
    const points = await this.store.transaction((tx) => expirePoints(tx, this.today()));
    const memberships = await this.store.transaction((tx) => expireMemberships(tx, this.today()));
    const rules = await this.rules();
    const grades = await this.store.transaction((tx) => gradeAnniversaries(tx, rules, this.today()));
    const bonus = await this.store.transaction((tx) => lapseBonus(tx, rules, this.today()));
    return { points, memberships, grades, bonus };
  }

  /** Lots past their day lose what they hold. */
  expirePoints() {
    return this.store.transaction((tx) => expirePoints(tx, this.today()));
  }

  /** Each account's balance in fen over the whole ledger; they sum to zero. */
  trialBalance() {
    return trialBalance(this.store);
  }
}
