import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  checkoutSchema,
  couponClaimSchema,
  couponIssueSchema,
  couponTemplateSchema,
  flashOrderSchema,
  flashSaleSchema,
  groupDealSchema,
  groupJoinSchema,
  presaleDepositSchema,
  presaleSchema,
  priceRequestSchema,
  promotionRecordSchema,
  returnSchema,
} from '../../contract/index.js';
import type { MemberActor, Written } from '../../members/index.js';
import { ZhongtaiError } from '../../model/index.js';
import type { PromotionCenter } from '../../promotions/index.js';
import type { Engine } from '../../warehouse/index.js';
import { actorOfRequest } from '../actor.js';
import { callerOf, clientIp } from '../auth.js';
import { parseBody } from '../body.js';
import { needs } from '../openapi.js';

const KEY_HEADER = {
  name: 'Idempotency-Key',
  description: 'required: the write’s key; a retry with the same key and body gets the first answer again',
  maxLength: 128,
};
const idSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/) });

/**
 * The promotion center's API (促销中台): promotions as data for marketing, and pricing, checkout and returns
 * for tills and mini-programs — a till's token prices and sells only for its own store.
 */
export function promotionRoutes(
  app: FastifyInstance,
  center: PromotionCenter,
  engine: Engine | undefined,
): void {
  const actorOf = actorOfRequest(engine);
  const forStore = async (request: FastifyRequest, store: number) => {
    const actor = await actorOf(request);
    if (actor.stores && !actor.stores.has(store))
      throw new ZhongtaiError(
        'FORBIDDEN',
        { en: `You may not act for store ${store}`, zh: `您无权代表门店 ${store} 操作` },
        { field: 'store' },
      );
    return actor;
  };
  /**
   * A PUT that keeps something under the id its path names (a promotion, a coupon template, a flash sale): the
   * body parsed, its id checked against the path's, then saved by `save` as the caller.
   */
  const putById = <S extends z.ZodType>(
    path: string,
    doc: { summary: string; answers: string },
    schema: S,
    field: string,
    idOf: (body: z.output<S>) => string,
    save: (by: { username: string; ip: string | null }, body: z.output<S>) => Promise<unknown>,
  ) =>
    app.put(
      path,
      needs('promotions.edit', { summary: doc.summary, body: schema, answers: { '200': doc.answers } }),
      async (request) => {
        const { id } = parseBody(idSchema, request.params);
        const body = parseBody(schema, request.body);
        if (idOf(body) !== id)
          throw new ZhongtaiError(
            'BAD_REQUEST',
            {
              en: `${field} ${idOf(body)} is not ${id} of the path`,
              zh: `${field} ${idOf(body)} 与路径中的 ${id} 不一致`,
            },
            { field },
          );
        return save({ username: callerOf(request).username, ip: clientIp(request) }, body);
      },
    );
  app.get(
    '/api/v1/promotions',
    needs('promotions.edit', {
      summary: 'Every promotion with its budget, spend and uses 促销活动列表',
      answers: { '200': 'promotions: promotion, active, budget, spent, maxUses, uses, perMember' },
    }),
    async () => ({ promotions: await center.list() }),
  );
  putById(
    '/api/v1/promotions/:id',
    {
      summary: 'Create or replace a promotion (spend and uses so far are kept); audited 保存促销活动',
      answers: 'The promotion as kept',
    },
    promotionRecordSchema,
    'promotion.id',
    (body) => body.promotion.id,
    (by, body) => center.save(by, body),
  );
  app.post(
    '/api/v1/promotions/simulate',
    needs('promotions.edit', {
      summary:
        'Try a cart against the promotions as they stand, for any store (the 促销中心 page’s simulator) 购物车模拟',
      body: priceRequestSchema,
      answers: { '200': 'lines (with allocations), total, saving, final, applied, notApplied' },
    }),
    async (request) => center.price(parseBody(priceRequestSchema, request.body)),
  );
  app.post(
    '/api/v1/price',
    needs('promotions.sell', {
      summary:
        'Price a cart: each line’s final price, the promotions applied and why the others were not 定价试算',
      body: priceRequestSchema,
      answers: { '200': 'lines (with allocations), total, saving, final, applied, notApplied' },
    }),
    async (request) => {
      const body = parseBody(priceRequestSchema, request.body);
      await forStore(request, body.store);
      return center.price(body);
    },
  );
  app.post(
    '/api/v1/checkout',
    needs('promotions.sell', {
      summary: 'Commit a priced cart: promotions’ budgets and limits taken once per Idempotency-Key 结算',
      body: checkoutSchema,
      headers: [KEY_HEADER],
      answers: {
        '201': 'The priced cart with its checkout number',
        '200': 'The first answer again: this key was used before with the same request',
        '409': 'CONFLICT: the key was used with another request',
      },
    }),
    async (request, reply) => {
      const body = parseBody(checkoutSchema, request.body);
      const written = await center.checkout(
        await forStore(request, body.store),
        request.headers['idempotency-key'] as string | undefined,
        body,
      );
      return reply.code(written.replayed ? 200 : written.status).send(written.answer);
    },
  );
  app.post(
    '/api/v1/returns',
    needs('promotions.sell', {
      summary: 'Take lines of a checkout back: each unit refunds its share of what the line paid 退货',
      body: returnSchema,
      headers: [KEY_HEADER],
      answers: {
        '201': 'checkout, lines (line, qty, refund), refund',
        '200': 'The first answer again: this key was used before with the same request',
        '409': 'CONFLICT: the key was used with another request',
      },
      notFound: 'No such checkout or line',
    }),
    async (request, reply) => {
      const written = await center.returnLines(
        await actorOf(request),
        request.headers['idempotency-key'] as string | undefined,
        parseBody(returnSchema, request.body),
      );
      return reply.code(written.replayed ? 200 : written.status).send(written.answer);
    },
  );
  const written = (answer: { status: number; replayed: boolean; answer: unknown }, reply: FastifyReply) =>
    reply.code(answer.replayed ? 200 : answer.status).send(answer.answer);
  const keyed = {
    headers: [KEY_HEADER],
    answers: {
      '201': 'Issued',
      '200': 'The first answer again: this key was used before with the same request',
      '409': 'CONFLICT: the key was used with another request, or a cap or limit is reached',
    },
  };
  /**
   * A write of the center under an Idempotency-Key: the path's id and the body parsed, run as the caller; a key
   * used before answers 200 with the first answer.
   */
  const keyedPost = <P extends z.ZodType, S extends z.ZodType>(
    path: string,
    summary: string,
    params: P,
    body: S,
    answers: Record<string, string>,
    run: (
      actor: MemberActor,
      key: string | undefined,
      params: z.output<P>,
      body: z.output<S>,
    ) => Promise<Written<unknown>>,
  ) =>
    app.post(
      path,
      needs('promotions.sell', { summary, body, ...keyed, answers: { ...keyed.answers, ...answers } }),
      async (request, reply) =>
        written(
          await run(
            await actorOf(request),
            request.headers['idempotency-key'] as string | undefined,
            parseBody(params, request.params ?? {}),
            parseBody(body, request.body),
          ),
          reply,
        ),
    );
  app.get(
    '/api/v1/coupons/templates',
    needs('promotions.edit', {
      summary:
        'Coupon templates with coupons issued, redeemed and open, and the open coupons’ liability 券模板与券负债',
      answers: { '200': 'templates: template, issued, redeemed, open, liability' },
    }),
    async () => ({ templates: await center.templates() }),
  );
  putById(
    '/api/v1/coupons/templates/:id',
    { summary: 'Create or replace a coupon template; audited 保存券模板', answers: 'The template as kept' },
    couponTemplateSchema,
    'id',
    (body) => body.id,
    (by, body) => center.saveTemplate(by, body),
  );
  app.post(
    '/api/v1/coupons/issue',
    needs('promotions.edit', {
      summary: 'Issue coupons of a template to members, or a number to no one 发券',
      body: couponIssueSchema,
      ...keyed,
    }),
    async (request, reply) =>
      written(
        await center.issue(
          await actorOf(request),
          request.headers['idempotency-key'] as string | undefined,
          parseBody(couponIssueSchema, request.body),
        ),
        reply,
      ),
  );
  keyedPost(
    '/api/v1/coupons/claim',
    'A member claims a coupon (mini-program 领券), within the cap and the member’s limit',
    z.object({}),
    couponClaimSchema,
    { '201': 'The coupon claimed' },
    (actor, key, _params, body) => center.claim(actor, key, body),
  );
  app.get(
    '/api/v1/coupons',
    needs('promotions.sell', {
      summary: 'A member’s coupons, newest first 我的券',
      query: couponClaimSchema.pick({ member: true }),
      answers: { '200': 'coupons: code, template, member, validFrom, validTo, state, checkout' },
    }),
    async (request) => ({
      coupons: await center.couponsOf(
        parseBody(couponClaimSchema.pick({ member: true }), request.query).member,
      ),
    }),
  );
  const orderId = z.object({ id: z.coerce.number().int().positive() });
  app.get(
    '/api/v1/flash-sales',
    needs('promotions.edit', {
      summary: 'Every flash sale with sold, paid and left 秒杀活动列表',
      answers: { '200': 'sales: sale, sold, paid, left' },
    }),
    async () => ({ sales: await center.campaigns.listFlashSales() }),
  );
  app.get(
    '/api/v1/presales',
    needs('promotions.edit', {
      summary: 'Every pre-sale with units held, paid, left and deposits kept 预售活动列表',
      answers: { '200': 'presales: presale, deposited, paid, left, forfeited' },
    }),
    async () => ({ presales: await center.campaigns.listPresales() }),
  );
  app.get(
    '/api/v1/group-deals',
    needs('promotions.edit', {
      summary: 'Every group deal with its groups open, filled and failed 拼团活动列表',
      answers: { '200': 'deals: deal, open, succeeded, failed' },
    }),
    async () => ({ deals: await center.campaigns.listGroupDeals() }),
  );
  putById(
    '/api/v1/flash-sales/:id',
    {
      summary:
        'Create or change a flash sale: SKU, price, stock, limit per member, window, time to pay; audited 秒杀活动',
      answers: 'sale, sold, paid, left',
    },
    flashSaleSchema,
    'id',
    (body) => body.id,
    (by, body) => center.campaigns.saveFlashSale(by, body),
  );
  app.get(
    '/api/v1/flash-sales/:id',
    needs('promotions.sell', {
      summary: 'A flash sale now: sold, paid and left (the burn-down) 秒杀进度',
      answers: { '200': 'sale, sold, paid, left' },
      notFound: 'No such flash sale',
    }),
    async (request) => center.campaigns.flashState(parseBody(idSchema, request.params).id),
  );
  keyedPost(
    '/api/v1/flash-sales/:id/orders',
    'Order in a flash sale for a member: first come first served, never past the stock or the limit 秒杀下单',
    idSchema,
    flashOrderSchema,
    {
      '201': 'The order, pending payment until payBy',
      '409': 'CONFLICT: not on now, the member’s limit reached, or the key used with another request',
      '422': 'NOT_ENOUGH: sold out',
    },
    (actor, key, { id }, body) => center.campaigns.orderFlash(actor, key, id, body),
  );
  keyedPost(
    '/api/v1/flash-orders/:id/pay',
    'Pay a pending flash order before its time runs out 秒杀支付',
    orderId,
    z.object({}).default({}),
    { '201': 'The order, paid', '409': 'CONFLICT: not paid in time, released' },
    (actor, key, { id }) => center.campaigns.payFlash(actor, key, id),
  );
  putById(
    '/api/v1/group-deals/:id',
    {
      summary: 'Create or change a group deal: SKU, group price, size, hours to fill; audited 拼团活动',
      answers: 'The deal',
    },
    groupDealSchema,
    'id',
    (body) => body.id,
    (by, body) => center.campaigns.saveGroupDeal(by, body),
  );
  keyedPost(
    '/api/v1/group-deals/:id/groups',
    'Open a group of a deal for its first member (开团), who pays the group price',
    idSchema,
    groupJoinSchema,
    { '201': 'The group: size, joined, state, expiresAt, members' },
    (actor, key, { id }, body) => center.campaigns.openGroup(actor, key, id, body),
  );
  keyedPost(
    '/api/v1/groups/:id/join',
    'Join a group (参团): never past its size; the join that fills it confirms every member’s order',
    orderId,
    groupJoinSchema,
    { '201': 'The group', '409': 'CONFLICT: full, over, or the member is in it already' },
    (actor, key, { id }, body) => center.campaigns.joinGroup(actor, key, id, body),
  );
  putById(
    '/api/v1/presales/:id',
    {
      summary:
        'Create or change a pre-sale: price, deposit and what it is worth (定金膨胀), deposit and balance windows, refund rules; audited 预售活动',
      answers: 'presale, deposited, paid, left, forfeited',
    },
    presaleSchema,
    'id',
    (body) => body.id,
    (by, body) => center.campaigns.savePresale(by, body),
  );
  app.get(
    '/api/v1/presales/:id',
    needs('promotions.sell', {
      summary: 'A pre-sale now: units held by deposits, paid, left, deposits kept 预售进度',
      answers: { '200': 'presale, deposited, paid, left, forfeited' },
      notFound: 'No such pre-sale',
    }),
    async (request) => center.campaigns.presaleState(parseBody(idSchema, request.params).id),
  );
  keyedPost(
    '/api/v1/presales/:id/deposits',
    'Pay a deposit for a member (付定金): never more units held than the stock, nobody past the limit',
    idSchema,
    presaleDepositSchema,
    {
      '201': 'The order: deposit, worth, balance due, balance window',
      '409': 'CONFLICT: no deposits now, the member’s limit reached, or the key used with another request',
      '422': 'NOT_ENOUGH: sold out',
    },
    (actor, key, { id }, body) => center.campaigns.payDeposit(actor, key, id, body),
  );
  keyedPost(
    '/api/v1/presale-orders/:id/balance',
    'Pay the balance of a pre-sale order in its window (付尾款)',
    orderId,
    z.object({}).default({}),
    { '200': 'The order, paid', '409': 'CONFLICT: before or after the balance window, or settled' },
    (actor, key, { id }) => center.campaigns.payBalance(actor, key, id),
  );
  keyedPost(
    '/api/v1/presale-orders/:id/cancel',
    'Take a deposit back, refunded in full, before the balance window opens where the sale allows it (退定金)',
    orderId,
    z.object({}).default({}),
    { '200': 'The order, cancelled', '409': 'CONFLICT: the deposit can no longer be taken back' },
    (actor, key, { id }) => center.campaigns.cancelDeposit(actor, key, id),
  );
  app.get(
    '/api/v1/presale-orders/:id',
    needs('promotions.sell', {
      summary: 'A pre-sale order: deposit, worth, balance due, state 预售订单',
      answers: {
        '200': 'order, presale, member, qty, deposit, worth, balance, state, balanceFrom, balanceTo',
      },
      notFound: 'No such order',
    }),
    async (request) => center.campaigns.presaleOrder(parseBody(orderId, request.params).id),
  );
  app.get(
    '/api/v1/groups/:id',
    needs('promotions.sell', {
      summary: 'A group: size, joined, state and members 拼团详情',
      answers: { '200': 'group, deal, size, joined, state, expiresAt, members' },
      notFound: 'No such group',
    }),
    async (request) => center.campaigns.group(parseBody(orderId, request.params).id),
  );
}
