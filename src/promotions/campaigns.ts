import { type AppStore, recordAudit } from '../appstore/index.js';
import type {
  FlashOrder,
  FlashSaleInput,
  GroupBuy,
  GroupDealInput,
  PresaleInput,
  PresaleOrder,
} from '../contract/index.js';
import { checkKey, type MemberActor, once, onceInline, type Written } from '../members/index.js';
import { ZhongtaiError } from '../model/index.js';
import {
  BucketsBusy,
  flashCounts,
  flashState,
  flashTerms,
  listFlashSales,
  orderFlash,
  payFlash,
  refusal,
  releaseUnpaid,
  saveFlashSale,
} from './flash.js';
import type { FlashGate } from './flash-gate.js';
import { failExpiredGroups, groupOf, joinGroup, listGroupDeals, openGroup, saveGroupDeal } from './groups.js';
import {
  cancelDeposit,
  listPresales,
  payBalance,
  payDeposit,
  presaleOrder,
  presaleState,
  savePresale,
  settleUnpaid,
} from './presale.js';

/**
 * The promotion center's sharp campaigns (秒杀、预售、拼团): flash sales — behind the Redis gate when the server
 * has one —, pre-sales and group buying; every write once per idempotency key, in the promotion center's keys.
 */
export class Campaigns {
  /** Each flash sale's limit and window, read at most once a second (the gate's hot path). */
  private readonly terms = new Map<string, { at: number; value: ReturnType<typeof flashTerms> }>();

  constructor(
    private readonly store: AppStore,
    private readonly clock: () => Date,
    /** Writes as of the clock's time only when one was given (history). */
    private readonly dated: boolean,
    /** Redis counters in front of the flash sales' rows, when the server has a Redis. */
    private readonly gate: FlashGate | undefined,
  ) {}

  private get history(): Date | undefined {
    return this.dated ? this.clock() : undefined;
  }

  /** Creates or changes a flash sale (秒杀); its stock cannot go below what is sold. */
  async saveFlashSale(actor: { username: string; ip: string | null }, input: FlashSaleInput) {
    const state = await saveFlashSale(this.store, input);
    this.terms.delete(state.sale.id);
    await this.gate?.forget([state.sale.id]);
    await recordAudit(this.store, {
      actor: actor.username,
      action: 'flash.save',
      target: state.sale.id,
      detail: state.sale,
      ip: actor.ip,
    });
    return state;
  }

  listFlashSales() {
    return listFlashSales(this.store);
  }

  listPresales() {
    return listPresales(this.store);
  }

  listGroupDeals() {
    return listGroupDeals(this.store);
  }

  /** Sold, paid and left of a flash sale (for the burn-down while it runs). */
  flashState(id: string) {
    return flashState(this.store, id);
  }

  /**
   * Orders a flash sale for a member: once per key; exactly the stock sold, nobody past the limit. With a gate,
   * Redis refuses what cannot succeed before PostgreSQL is asked; PostgreSQL decides what is sold.
   */
  async orderFlash(
    actor: MemberActor,
    key: string | undefined,
    id: string,
    request: { member: string; qty: number },
  ): Promise<Written<FlashOrder>> {
    const record = async () => {
      // Units left only in buckets other orders hold this instant: again, from another bucket, until one is
      // free or none has units left (then sold out).
      for (let attempt = 1; ; attempt++) {
        const start = Math.floor(Math.random() * 64);
        try {
          return await onceInline<FlashOrder>(
            this.store,
            actor.id,
            checkKey(key),
            ['flash', id, request],
            (tx, claim) => orderFlash(tx, claim, id, request.member, request.qty, this.clock(), start),
            this.history,
            'promotion_request',
          );
        } catch (error) {
          if (!(error instanceof BucketsBusy)) throw error;
          if (attempt >= 200)
            throw new ZhongtaiError(
              'CONFLICT',
              { en: `Flash sale ${id} is busy: try again`, zh: `秒杀 ${id} 繁忙，请重试` },
              { field: 'sale' },
            );
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    };
    const gate = this.gate;
    const terms = gate ? await this.termsOf(id) : null;
    const now = this.clock();
    // No gate, no such sale, or not on now: PostgreSQL answers (and says why not).
    if (!gate || !terms || now < terms.startsAt || now >= terms.endsAt) return record();
    const taken = await gate
      .take(id, { ...request, key: `${actor.id} ${checkKey(key)}` }, terms.perMember, () =>
        flashCounts(this.store, id),
      )
      .catch(() => 'down' as const);
    // Redis unreachable: PostgreSQL alone, as without a gate. A key seen before: PostgreSQL has its answer.
    if (taken === 'down' || taken === 'seen') return record();
    if (taken !== 'ok') throw refusal(id, request.member, taken);
    let written: Written<FlashOrder> | undefined;
    try {
      written = await record();
      return written;
    } finally {
      if (!written || written.replayed) await gate.giveBack(id, request.member, request.qty).catch(() => {});
    }
  }

  private termsOf(id: string) {
    const cached = this.terms.get(id);
    if (cached && Date.now() - cached.at < 1_000) return cached.value;
    const value = flashTerms(this.store, id);
    value.catch(() => this.terms.delete(id));
    this.terms.set(id, { at: Date.now(), value });
    return value;
  }

  payFlash(actor: MemberActor, key: string | undefined, order: number) {
    return once<FlashOrder>(
      this.store,
      actor.id,
      checkKey(key),
      ['flash-pay', order],
      async (tx) => ({ status: 200, answer: await payFlash(tx, order, this.clock()) }),
      this.history,
      'promotion_request',
    );
  }

  /** Releases flash orders not paid in time (the server runs it every few seconds). */
  async releaseUnpaid(): Promise<number> {
    const released = await this.store.transaction((tx) => releaseUnpaid(tx, this.clock()));
    for (const r of released) await this.gate?.giveBack(r.sale, r.member, r.qty);
    return released.reduce((n, r) => n + r.qty, 0);
  }

  /** Creates or changes a group deal (拼团); audited. */
  async saveGroupDeal(actor: { username: string; ip: string | null }, input: GroupDealInput) {
    return this.store.transaction(async (tx) => {
      const deal = await saveGroupDeal(tx, input);
      await recordAudit(tx, {
        actor: actor.username,
        action: 'groups.save',
        target: deal.id,
        detail: deal,
        ip: actor.ip,
      });
      return deal;
    });
  }

  /** Opens a group of a deal for its first member, who pays the group price. */
  openGroup(actor: MemberActor, key: string | undefined, deal: string, request: { member: string }) {
    return once<GroupBuy>(
      this.store,
      actor.id,
      checkKey(key),
      ['group-open', deal, request],
      async (tx) => ({ status: 201, answer: await openGroup(tx, deal, request.member, this.clock()) }),
      this.history,
      'promotion_request',
    );
  }

  /** Joins a group: never past its size, each member once; the join that fills it confirms every order. */
  joinGroup(actor: MemberActor, key: string | undefined, group: number, request: { member: string }) {
    return once<GroupBuy>(
      this.store,
      actor.id,
      checkKey(key),
      ['group-join', group, request],
      async (tx) => ({ status: 201, answer: await joinGroup(tx, group, request.member, this.clock()) }),
      this.history,
      'promotion_request',
    );
  }

  group(id: number) {
    return groupOf(this.store, id);
  }

  /** Groups not full in time fail and refund their members (the server runs it with the flash release). */
  failExpiredGroups() {
    return this.store.transaction((tx) => failExpiredGroups(tx, this.clock()));
  }

  /** Creates or changes a pre-sale (预售); audited. Orders keep the amounts of the day they paid a deposit. */
  async savePresale(actor: { username: string; ip: string | null }, input: PresaleInput) {
    return this.store.transaction(async (tx) => {
      const state = await savePresale(tx, input);
      await recordAudit(tx, {
        actor: actor.username,
        action: 'presales.save',
        target: state.presale.id,
        detail: state.presale,
        ip: actor.ip,
      });
      return state;
    });
  }

  /** Units held by deposits, paid, left, and deposits kept. */
  presaleState(id: string) {
    return presaleState(this.store, id);
  }

  presaleOrder(order: number) {
    return presaleOrder(this.store, order);
  }

  /** Pays a deposit (付定金): never more units held than the stock, nobody past the limit. */
  payDeposit(
    actor: MemberActor,
    key: string | undefined,
    id: string,
    request: { member: string; qty: number },
  ) {
    return once<PresaleOrder>(
      this.store,
      actor.id,
      checkKey(key),
      ['presale-deposit', id, request],
      async (tx) => ({
        status: 201,
        answer: await payDeposit(tx, id, request.member, request.qty, this.clock()),
      }),
      this.history,
      'promotion_request',
    );
  }

  /** Pays the balance (付尾款) in its window. */
  payBalance(actor: MemberActor, key: string | undefined, order: number) {
    return once<PresaleOrder>(
      this.store,
      actor.id,
      checkKey(key),
      ['presale-balance', order],
      async (tx) => ({ status: 200, answer: await payBalance(tx, order, this.clock()) }),
      this.history,
      'promotion_request',
    );
  }

  /** Takes a deposit back before the balance window, where the sale allows it (退定金). */
  cancelDeposit(actor: MemberActor, key: string | undefined, order: number) {
    return once<PresaleOrder>(
      this.store,
      actor.id,
      checkKey(key),
      ['presale-cancel', order],
      async (tx) => ({ status: 200, answer: await cancelDeposit(tx, order, this.clock()) }),
      this.history,
      'promotion_request',
    );
  }

  /** Balances not paid in time: deposits kept or refunded as each sale says (run with the flash release). */
  settleUnpaidPresales() {
    return this.store.transaction((tx) => settleUnpaid(tx, this.clock()));
  }
}
