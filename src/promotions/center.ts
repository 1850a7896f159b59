import { type AppStore, migrate, recordAudit } from '../appstore/index.js';
import type {
  CheckoutAnswer,
  Coupon,
  CouponTemplate,
  CouponTemplateInput,
  PriceAnswer,
  Promotion,
  PromotionRecord,
  PromotionRecordInput,
  ReturnAnswer,
} from '../contract/index.js';
import { couponTemplateSchema, promotionRecordSchema } from '../contract/index.js';
import {
  chainLocal,
  chainToday,
  checkKey,
  fenOf,
  type MemberActor,
  type MemberCenter,
  once,
  TX_NOW,
  toFen,
  type Written,
  yuan,
} from '../members/index.js';
import { ZhongtaiError } from '../model/index.js';
import { Campaigns } from './campaigns.js';
import { claimCoupon, issueCoupons, presentedCoupons } from './coupons.js';
import { liveFlashSales } from './flash.js';
import type { FlashGate } from './flash-gate.js';
import { emitDefinition } from './outbox.js';
import { grantPaidCoupons, type PaidGrants } from './paid-coupons.js';
import { type ProductFacts, priceCart } from './price.js';
import { PROMOTION_SCHEMA } from './schema.js';
import type { PriceContext } from './scope.js';

/** What the center needs to know of the chain: a store's region and format, products' categories and brands. */
export interface ChainFacts {
  store(id: number): Promise<{ region: string | null; format: string | null } | null>;
  products(skus: number[]): Promise<Map<number, ProductFacts>>;
}

export interface CartRequest {
  store: number;
  channel: PriceContext['channel'];
  member?: string;
  at?: string;
  lines: { sku: number; qty: number; unitPrice: unknown }[];
  coupons?: string[];
}

/** Coupons that cannot be used, as reasons beside the promotions'. */
const couponReasons = (
  bad: { code: string; name: { zh: string; en: string }; detail: { zh: string; en: string } }[],
) =>
  bad.map((b) => ({
    promotion: `coupon:${b.code}`,
    name: b.name,
    reason: 'coupon_not_valid' as const,
    detail: b.detail,
  }));

interface PromotionRow extends Record<string, unknown> {
  id: string;
  definition: Promotion;
  active: boolean;
  budget: string | null;
  spent: string;
  max_uses: number | null;
  uses: number;
  per_member: number | null;
}

const FRESH_MS = 2_000;
const SYSTEM: MemberActor = { id: 'promotions', stores: null, pii: false };

const recordOf = (r: PromotionRow): PromotionRecord => ({
  promotion: r.definition,
  active: r.active,
  budget: r.budget === null ? null : yuan(r.budget),
  spent: yuan(r.spent),
  maxUses: r.max_uses,
  uses: r.uses,
  perMember: r.per_member,
});

/**
 * The promotion center (促销中台): promotions kept as data in the application store, carts priced by the
 * engine for every channel alike, and checkouts that take a promotion's budget and usage caps once and only
 * once — each write under an idempotency key, the caps guarded by the rows' CHECKs besides.
 */
export class PromotionCenter {
  private cache: { at: number; value: Promise<PromotionRow[]> } | undefined;

  private constructor(
    private readonly store: AppStore,
    private readonly facts: ChainFacts | undefined,
    private readonly members: MemberCenter | undefined,
    private readonly clock: () => Date,
    /** Writes as of the clock's time only when one was given (history); else the server's now, one round trip less. */
    private readonly dated: boolean,
    /** Flash sales, pre-sales and group buying (秒杀、预售、拼团). */
    readonly campaigns: Campaigns,
  ) {}

  private get history(): Date | undefined {
    return this.dated ? this.clock() : undefined;
  }

  static async open(
    store: AppStore,
    options: { facts?: ChainFacts; members?: MemberCenter; clock?: () => Date; gate?: FlashGate } = {},
  ): Promise<PromotionCenter> {
    await migrate(store, 'promotion_schema_meta', PROMOTION_SCHEMA);
    const clock = options.clock ?? (() => new Date());
    const center = new PromotionCenter(
      store,
      options.facts,
      options.members,
      clock,
      options.clock !== undefined,
      new Campaigns(store, clock, options.clock !== undefined, options.gate),
    );
    // Units the gate took for orders a crashed server never wrote go back: counters load again from the record.
    if (options.gate) await options.gate.forget(await liveFlashSales(store, clock()));
    return center;
  }

  private running(): Promise<PromotionRow[]> {
    if (!this.cache || Date.now() - this.cache.at > FRESH_MS) {
      const value = this.store
        .query<PromotionRow>('SELECT * FROM promotion WHERE active ORDER BY id')
        .catch((error: unknown) => {
          this.cache = undefined;
          throw error;
        });
      this.cache = { at: Date.now(), value };
    }
    return this.cache.value;
  }

  async list(): Promise<PromotionRecord[]> {
    return (await this.store.query<PromotionRow>('SELECT * FROM promotion ORDER BY id')).map(recordOf);
  }

  /** Creates or replaces a promotion (its spend and uses so far are kept); audited. */
  async save(
    actor: { username: string; ip: string | null },
    input: PromotionRecordInput,
  ): Promise<PromotionRecord> {
    const record = promotionRecordSchema.parse(input);
    const budget = record.budget === null ? null : toFen(record.budget, 'budget');
    const [row] = await this.store.transaction(async (tx) => {
      const saved = await tx
        .query<PromotionRow>(
          `INSERT INTO promotion (id, definition, active, budget, max_uses, per_member) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, active = excluded.active,
           budget = excluded.budget, max_uses = excluded.max_uses, per_member = excluded.per_member, changed_at = now()
         RETURNING *`,
          [
            record.promotion.id,
            JSON.stringify(record.promotion),
            record.active,
            budget,
            record.maxUses,
            record.perMember,
          ],
        )
        .catch((error: unknown) => {
          if ((error as { code?: string }).code === '23514')
            throw new ZhongtaiError(
              'CONFLICT',
              {
                en: `${record.promotion.id} has given more than that already: raise the budget or the uses`,
                zh: `活动 ${record.promotion.id} 已发生的金额或次数超过新上限，请调高预算或次数`,
              },
              { field: 'budget' },
            );
          throw error;
        });
      await emitDefinition(tx, {
        id: record.promotion.id,
        name: record.promotion.name,
        kind: record.promotion.kind,
        from: record.promotion.scope.from,
        to: record.promotion.scope.to,
        budget,
      });
      await recordAudit(tx, {
        actor: actor.username,
        action: 'promotions.save',
        target: record.promotion.id,
        detail: record,
        ip: actor.ip,
      });
      return saved;
    });
    this.cache = undefined;
    return recordOf(row as PromotionRow);
  }

  /** Creates or replaces a coupon template; audited. Coupons issued keep their own validity. */
  async saveTemplate(
    actor: { username: string; ip: string | null },
    input: CouponTemplateInput,
  ): Promise<CouponTemplate> {
    const template = couponTemplateSchema.parse(input);
    for (const field of ['amount', 'maxOff', 'minSpend'] as const)
      if (template[field] !== undefined) toFen(template[field], field);
    await this.store.transaction(async (tx) => {
      await tx
        .query(
          `INSERT INTO coupon_template (id, definition, max_issued) VALUES ($1, $2, $3)
           ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, max_issued = excluded.max_issued, changed_at = now()`,
          [template.id, JSON.stringify(template), template.maxIssued],
        )
        .catch((error: unknown) => {
          if ((error as { code?: string }).code === '23514')
            throw new ZhongtaiError(
              'CONFLICT',
              {
                en: `${template.id} has issued more than ${template.maxIssued} already`,
                zh: `券模板 ${template.id} 已发放的数量超过 ${template.maxIssued}`,
              },
              { field: 'maxIssued' },
            );
          throw error;
        });
      await emitDefinition(tx, {
        id: `coupon:${template.id}`,
        name: template.name,
        kind: 'coupon',
        budget: null,
      });
      await recordAudit(tx, {
        actor: actor.username,
        action: 'coupons.template',
        target: template.id,
        detail: template,
        ip: actor.ip,
      });
    });
    return template;
  }

  /**
   * Every template with its coupons issued, redeemed and still open, and the liability of the open amount
   * coupons (券负债: what they would take off if all were used).
   */
  async templates() {
    const rows = await this.store.query<{
      definition: CouponTemplate;
      issued: number;
      redeemed: string;
      open: string;
    }>(
      `SELECT t.definition, t.issued,
              (SELECT count(*) FROM coupon c WHERE c.template_id = t.id AND c.state = 'redeemed') AS redeemed,
              (SELECT count(*) FROM coupon c WHERE c.template_id = t.id AND c.state = 'issued' AND c.valid_to >= $1) AS open
       FROM coupon_template t ORDER BY t.id`,
      [this.today()],
    );
    return rows.map((r) => ({
      template: r.definition,
      issued: r.issued,
      redeemed: Number(r.redeemed),
      open: Number(r.open),
      liability:
        r.definition.kind === 'amount' ? yuan(toFen(r.definition.amount, 'amount') * Number(r.open)) : null,
    }));
  }

  private today() {
    return chainToday(this.clock());
  }

  /** Issues coupons to members named, or a number to no one (发券), within the template's cap. */
  issue(
    actor: MemberActor,
    key: string | undefined,
    request: { template: string; members?: string[]; count?: number },
  ) {
    return once<{ coupons: Coupon[] }>(
      this.store,
      actor.id,
      checkKey(key),
      ['issue', request],
      async (tx) => ({
        status: 201,
        answer: { coupons: await issueCoupons(tx, request.template, request, this.today()) },
      }),
      this.history,
      'promotion_request',
    );
  }

  /** A member claims a coupon in the mini-program (领券), within the template's cap and their own limit. */
  claim(actor: MemberActor, key: string | undefined, request: { template: string; member: string }) {
    return once<Coupon>(
      this.store,
      actor.id,
      checkKey(key),
      ['claim', request],
      async (tx) => ({
        status: 201,
        answer: await claimCoupon(tx, request.template, request.member, this.today()),
      }),
      this.history,
      'promotion_request',
    );
  }

  /** A member's coupons, newest first (我的券). */
  async couponsOf(member: string): Promise<Coupon[]> {
    const rows = await this.store.query<{
      code: string;
      template_id: string;
      member_code: string | null;
      valid_from: string;
      valid_to: string;
      state: Coupon['state'];
      checkout_id: string | null;
    }>(
      `SELECT code, template_id, member_code, CAST(valid_from AS TEXT) AS valid_from, CAST(valid_to AS TEXT) AS valid_to,
              state, checkout_id FROM coupon WHERE member_code = $1 ORDER BY issued_at DESC, code LIMIT 200`,
      [member],
    );
    return rows.map((r) => ({
      code: r.code,
      template: r.template_id,
      member: r.member_code,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      state: r.state,
      checkout: r.checkout_id === null ? null : Number(r.checkout_id),
    }));
  }

  /**
   * Paid members' monthly coupons from the member center's hook and on each new month (run by the server's
   * sweep); nothing without a member center.
   */
  async grantPaidCoupons(): Promise<PaidGrants> {
    if (!this.members) return { granted: 0, voided: 0 };
    return this.store.transaction((tx) => grantPaidCoupons(tx, this.clock()));
  }

  /** Where, when and for whom a cart is priced. */
  private async contextOf(request: CartRequest): Promise<PriceContext> {
    const when = request.at ? new Date(request.at) : this.clock();
    if (Number.isNaN(when.getTime()))
      throw new ZhongtaiError(
        'BAD_REQUEST',
        { en: `at: not a time: ${request.at}`, zh: `at：不是有效时间 ${request.at}` },
        { field: 'at' },
      );
    const local = chainLocal(when);
    const store = (await this.facts?.store(request.store)) ?? null;
    let tier: PriceContext['tier'] = 'non_member';
    if (request.member) {
      if (!this.members)
        throw new ZhongtaiError(
          'BAD_REQUEST',
          { en: 'No member center here', zh: '未启用会员中心' },
          { field: 'member' },
        );
      tier = (await this.members.get(SYSTEM, request.member)).generation;
    }
    return {
      store: request.store,
      region: store?.region ?? null,
      format: store?.format ?? null,
      channel: request.channel,
      tier,
      day: local.day,
      hour: Number(local.time.slice(11, 13)),
    };
  }

  private async productsOf(request: CartRequest) {
    const facts = (await this.facts?.products([...new Set(request.lines.map((l) => l.sku))])) ?? new Map();
    return (sku: number) => facts.get(sku);
  }

  /** Prices a cart without taking anything (定价试算): the answer a till shows before payment. */
  async price(request: CartRequest): Promise<PriceAnswer> {
    const [context, products, running] = await Promise.all([
      this.contextOf(request),
      this.productsOf(request),
      this.running(),
    ]);
    const coupons = await presentedCoupons(
      this.store,
      request.coupons ?? [],
      request.member ?? null,
      context.day,
    );
    const answer = priceCart(
      context,
      request.lines,
      running.map((r) => r.definition),
      products,
      coupons.good,
    );
    return { ...answer, notApplied: [...answer.notApplied, ...couponReasons(coupons.bad)] };
  }

  /**
   * Commits a priced cart (结算): the promotions applied take their share of budget and uses, in one
   * transaction with the checkout, its lines and their allocations. A promotion whose budget, uses or
   * per-member limit the cart would pass is left out and the cart priced again without it, saying why.
   */
  async checkout(
    actor: MemberActor,
    key: string | undefined,
    request: CartRequest & { reference?: string },
  ): Promise<Written<CheckoutAnswer>> {
    const [context, products] = await Promise.all([this.contextOf(request), this.productsOf(request)]);
    const running = await this.running();
    return once<CheckoutAnswer>(
      this.store,
      actor.id,
      checkKey(key),
      ['checkout', request],
      async (tx) => {
        const presented = await presentedCoupons(
          tx,
          request.coupons ?? [],
          request.member ?? null,
          context.day,
        );
        const left: PriceAnswer['notApplied'] = couponReasons(presented.bad);
        let usable = running;
        let coupons = presented.good;
        for (;;) {
          const answer = priceCart(
            context,
            request.lines,
            usable.map((r) => r.definition),
            products,
            coupons,
          );
          const redeemed = answer.applied
            .filter((a) => a.promotion.startsWith('coupon:'))
            .map((a) => a.promotion.slice(7));
          // Each coupon used locked; one another checkout redeemed first is gone from the answer.
          const held = new Set(
            (
              await tx.query<{ code: string }>(
                "SELECT code FROM coupon WHERE code = ANY($1::text[]) AND state = 'issued' ORDER BY code FOR UPDATE",
                [redeemed],
              )
            ).map((r) => r.code),
          );
          const taken = redeemed.filter((code) => !held.has(code));
          if (taken.length) {
            coupons = coupons.filter((c) => !taken.includes(c.code));
            left.push(
              ...couponReasons(
                taken.map((code) => ({
                  code,
                  name: { zh: code, en: code },
                  detail: { zh: '券已被使用', en: 'used already' },
                })),
              ),
            );
            continue;
          }
          const ids = answer.applied
            .map((a) => a.promotion)
            .filter((id) => !id.startsWith('coupon:'))
            .sort();
          // Each applied promotion's row locked, in id order (two checkouts never wait on each other crosswise).
          const rows = await tx.query<PromotionRow>(
            'SELECT * FROM promotion WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
            [ids],
          );
          // Counted in a statement of its own, after the locks: a count in the locking statement reads the
          // snapshot from before it waited, and two checkouts of one member would both see none (the property
          // test caught a member at 2 of a limit of 1 on PostgreSQL).
          const used = new Map(
            (request.member && rows.some((r) => r.per_member !== null)
              ? await tx.query<{ promotion_id: string; n: string }>(
                  `SELECT promotion_id, count(*) AS n FROM promotion_use
                   WHERE promotion_id = ANY($1::text[]) AND member_code = $2 GROUP BY promotion_id`,
                  [ids, request.member],
                )
              : []
            ).map((u) => [u.promotion_id, Number(u.n)]),
          );
          const saving = new Map(answer.applied.map((a) => [a.promotion, fenOf(a.saving)]));
          const over = rows.flatMap((r) => {
            const reason = !r.active
              ? ('limit_reached' as const)
              : r.budget !== null && Number(r.spent) + (saving.get(r.id) ?? 0) > Number(r.budget)
                ? ('budget_spent' as const)
                : (r.max_uses !== null && r.uses + 1 > r.max_uses) ||
                    (r.per_member !== null && (used.get(r.id) ?? 0) >= r.per_member)
                  ? ('limit_reached' as const)
                  : null;
            return reason ? [{ row: r, reason }] : [];
          });
          if (over.length) {
            const out = new Set(over.map((o) => o.row.id));
            usable = usable.filter((r) => !out.has(r.id));
            for (const { row, reason } of over)
              left.push({
                promotion: row.id,
                name: row.definition.name,
                reason,
                detail:
                  reason === 'budget_spent'
                    ? { zh: '活动预算已用完', en: 'its budget is spent' }
                    : { zh: '已达使用次数上限', en: 'its limit of uses is reached' },
              });
            continue;
          }
          const [made] = await tx.query<{ id: string; at: string }>(
            `INSERT INTO checkout (store_id, channel, member_code, reference, total, saving) VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at`,
            [
              request.store,
              request.channel,
              request.member ?? null,
              request.reference ?? null,
              fenOf(answer.total),
              fenOf(answer.saving),
            ],
          );
          const checkout = Number(made?.id);
          await tx.query(
            `INSERT INTO checkout_line (checkout_id, line_no, sku, qty, unit, discount)
             SELECT $1, n, sku, qty, unit, discount FROM unnest($2::int[], $3::int[], $4::int[], $5::bigint[], $6::bigint[]) AS x(n, sku, qty, unit, discount)`,
            [
              checkout,
              answer.lines.map((_, i) => i + 1),
              answer.lines.map((l) => l.sku),
              answer.lines.map((l) => l.qty),
              answer.lines.map((l) => fenOf(l.unitPrice)),
              answer.lines.map((l) => fenOf(l.discount)),
            ],
          );
          const shares = answer.lines.flatMap((l, i) => l.allocations.map((a) => ({ line: i + 1, ...a })));
          if (shares.length) {
            await tx.query(
              `INSERT INTO checkout_allocation (checkout_id, line_no, promotion_id, amount)
               SELECT $1, n, p, a FROM unnest($2::int[], $3::text[], $4::bigint[]) AS x(n, p, a)`,
              [
                checkout,
                shares.map((s) => s.line),
                shares.map((s) => s.promotion),
                shares.map((s) => fenOf(s.amount)),
              ],
            );
            await tx.query(
              `WITH used AS (SELECT p, a FROM unnest($2::text[], $3::bigint[]) AS x(p, a)),
               u AS (INSERT INTO promotion_use (promotion_id, checkout_id, member_code, amount) SELECT p, $1, $4, a FROM used)
               UPDATE promotion SET spent = spent + used.a, uses = uses + 1 FROM used WHERE promotion.id = used.p`,
              [checkout, ids, ids.map((id) => saving.get(id) ?? 0), request.member ?? null],
            );
          }
          if (redeemed.length)
            await tx.query(
              `UPDATE coupon SET state = 'redeemed', checkout_id = $1, redeemed_at = ${TX_NOW} WHERE code = ANY($2::text[])`,
              [checkout, redeemed],
            );
          const at = String(made?.at);
          // The discounts as shared to the lines, for the warehouse (促销让利).
          if (shares.length)
            await tx.query("INSERT INTO promotion_outbox (topic, payload) VALUES ('allocation', $1)", [
              JSON.stringify({
                checkout,
                at,
                store: request.store,
                channel: request.channel,
                member: request.member ?? null,
                reference: request.reference ?? null,
                rows: shares.map((share) => ({
                  entry: `${checkout}:${share.line}:${share.promotion}:sale`,
                  sku: answer.lines[share.line - 1]?.sku,
                  promotion: share.promotion,
                  amount: share.amount,
                })),
              }),
            ]);
          return {
            status: 201,
            answer: { ...answer, notApplied: [...answer.notApplied, ...left], checkout, at },
          };
        }
      },
      this.history,
      'promotion_request',
    );
  }

  /**
   * Takes lines back (退货): each unit refunds its share of what the line was paid after its discounts, so
   * returning every unit refunds the line exactly, whichever order the units come back in.
   */
  async returnLines(
    actor: MemberActor,
    key: string | undefined,
    request: { checkout: number; lines: { line: number; qty: number }[] },
  ): Promise<Written<ReturnAnswer>> {
    return once<ReturnAnswer>(
      this.store,
      actor.id,
      checkKey(key),
      ['return', request],
      async (tx) => {
        const rows = await tx.query<{
          line_no: number;
          sku: number;
          qty: number;
          unit: string;
          discount: string;
          returned: number;
        }>(
          'SELECT line_no, sku, qty, unit, discount, returned FROM checkout_line WHERE checkout_id = $1 ORDER BY line_no FOR UPDATE',
          [request.checkout],
        );
        const [head] = await tx.query<{
          store_id: number;
          channel: string;
          member_code: string | null;
          reference: string | null;
        }>('SELECT store_id, channel, member_code, reference FROM checkout WHERE id = $1', [
          request.checkout,
        ]);
        const shares = await tx.query<{ line_no: number; promotion_id: string; amount: string }>(
          'SELECT line_no, promotion_id, amount FROM checkout_allocation WHERE checkout_id = $1',
          [request.checkout],
        );
        // A return's own mark for the warehouse's rows: the next outbox number when it was taken (returns of
        // one checkout queue on its lines' locks, so two never share it).
        const [stamp] = await tx.query<{ at: string; n: string }>(
          `SELECT to_char(${TX_NOW} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
                  (SELECT coalesce(max(id), 0) + 1 FROM promotion_outbox) AS n`,
        );
        const taken: { entry: string; sku: number; promotion: string; amount: string }[] = [];
        if (!rows.length)
          throw new ZhongtaiError(
            'NOT_FOUND',
            { en: `No checkout ${request.checkout}`, zh: `结算单 ${request.checkout} 不存在` },
            { field: 'checkout' },
          );
        const out: ReturnAnswer['lines'] = [];
        let total = 0;
        for (const [i, back] of request.lines.entries()) {
          const row = rows.find((r) => r.line_no === back.line);
          if (!row)
            throw new ZhongtaiError(
              'NOT_FOUND',
              {
                en: `lines[${i}]: checkout ${request.checkout} has no line ${back.line}`,
                zh: `lines[${i}]：结算单 ${request.checkout} 没有第 ${back.line} 行`,
              },
              { field: `lines[${i}].line` },
            );
          if (row.returned + back.qty > row.qty)
            throw new ZhongtaiError(
              'BAD_REQUEST',
              {
                en: `lines[${i}]: line ${back.line} sold ${row.qty}, ${row.returned} already returned; ${back.qty} more is too many`,
                zh: `lines[${i}]：第 ${back.line} 行售出 ${row.qty} 件，已退 ${row.returned} 件，不能再退 ${back.qty} 件`,
              },
              { field: `lines[${i}].qty` },
            );
          const paid = Number(row.unit) * row.qty - Number(row.discount);
          const share = (whole: number, units: number) => Math.floor((whole * units) / row.qty);
          const refund = share(paid, row.returned + back.qty) - share(paid, row.returned);
          // Each promotion's share of the units coming back is taken back from what it gave, the same way.
          for (const given of shares.filter((x) => x.line_no === back.line)) {
            const amount = Number(given.amount);
            const undone = share(amount, row.returned + back.qty) - share(amount, row.returned);
            if (undone)
              taken.push({
                entry: `${request.checkout}:${back.line}:${given.promotion_id}:return${stamp?.n}-${i}`,
                sku: row.sku,
                promotion: given.promotion_id,
                amount: yuan(-undone),
              });
          }
          row.returned += back.qty;
          await tx.query(
            'UPDATE checkout_line SET returned = returned + $3, refunded = refunded + $4 WHERE checkout_id = $1 AND line_no = $2',
            [request.checkout, back.line, back.qty, refund],
          );
          out.push({ line: back.line, qty: back.qty, refund: yuan(refund) });
          total += refund;
        }
        if (taken.length)
          await tx.query("INSERT INTO promotion_outbox (topic, payload) VALUES ('allocation', $1)", [
            JSON.stringify({
              checkout: request.checkout,
              at: stamp?.at,
              store: head?.store_id,
              channel: head?.channel,
              member: head?.member_code ?? null,
              reference: head?.reference ?? null,
              rows: taken,
            }),
          ]);
        return { status: 201, answer: { checkout: request.checkout, lines: out, refund: yuan(total) } };
      },
      this.history,
      'promotion_request',
    );
  }
}
