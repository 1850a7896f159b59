import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  adjustmentSchema,
  decisionSchema,
  entryRefSchema,
  linkIdSchema,
  memberLookupSchema,
  memberRulesSchema,
  membershipChangeSchema,
  membershipJoinSchema,
  membershipRenewSchema,
  mergeSchema,
  pointsEarnSchema,
  pointsRedeemSchema,
  registerMemberSchema,
  walletMoveSchema,
  walletRefundSchema,
} from '../../contract/index.js';
import type { MemberActor, MemberCenter, Written } from '../../members/index.js';
import type { Engine } from '../../warehouse/index.js';
import { actorOfRequest } from '../actor.js';
import { parseBody } from '../body.js';
import { needs, type RouteDoc } from '../openapi.js';

const KEY_HEADER = {
  name: 'Idempotency-Key',
  description: 'required: the write’s key; a retry with the same key and body gets the first answer again',
  maxLength: 128,
};
/** What a route's path names: a member's code, or an adjustment's id. */
type PathParams = { code: string; id: string };
const paramsOf = (request: FastifyRequest) => request.params as PathParams;
const adjustmentIdSchema = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const adjustmentListSchema = z
  .object({ status: z.enum(['pending', 'posted', 'rejected']).optional() })
  .strict();
const keyOf = (request: FastifyRequest) => request.headers['idempotency-key'] as string | undefined;

/**
 * The member center's API (会员中台) for tills, mini-programs and apps. Every write takes an Idempotency-Key;
 * a caller granted stores acts only for those stores; phone numbers show in full only with members.pii.
 */
export function memberRoutes(app: FastifyInstance, center: MemberCenter, engine: Engine | undefined): void {
  const actorOf = actorOfRequest(engine);
  const doc = (summary: string, body: z.ZodType, answers: string): RouteDoc => ({
    summary,
    body,
    headers: [KEY_HEADER],
    answers: {
      '201': answers,
      '200': 'The first answer again: this key was used before with the same request',
      '409': 'CONFLICT: the key was used with another request, or what is undone was undone already',
      '422': 'NOT_ENOUGH: the wallet, the points or the payment hold less than asked; nothing changed',
    },
    notFound: 'No such member, or no such entry of the member',
  });
  /**
   * A write: the body parsed by its schema, the caller's key and what the path names handed to the center; a
   * key used before answers 200 with the first answer.
   */
  const write = <S extends z.ZodType, T>(
    path: string,
    summary: string,
    schema: S,
    answers: string,
    run: (
      actor: MemberActor,
      key: string | undefined,
      params: PathParams,
      body: z.output<S>,
    ) => Promise<Written<T>>,
    permission: 'members.write' | 'members.adjust' = 'members.write',
  ) =>
    app.post(path, needs(permission, doc(summary, schema, answers)), async (request, reply) => {
      const written = await run(
        await actorOf(request),
        keyOf(request),
        paramsOf(request),
        parseBody(schema, request.body),
      );
      return reply.code(written.replayed ? 200 : written.status).send(written.answer);
    });
  const read = (
    path: string,
    summary: string,
    answers: string,
    run: (actor: MemberActor, params: PathParams) => Promise<unknown>,
  ) =>
    app.get(
      path,
      needs('members.read', { summary, answers: { '200': answers }, notFound: 'No such member' }),
      async (request) => run(await actorOf(request), paramsOf(request)),
    );

  write(
    '/api/v1/members',
    'Register a member by mobile number 注册会员',
    registerMemberSchema,
    'The member (code M…)',
    (actor, key, _params, body) => center.register(actor, key, body),
  );
  app.get(
    '/api/v1/members',
    needs('members.read', {
      summary: 'Find a member by phone, or by an external id (kind and value) 查找会员',
      query: memberLookupSchema,
      answers: { '200': 'The member, phone masked unless the caller holds members.pii' },
      notFound: 'No such member',
    }),
    async (request) => center.find(await actorOf(request), parseBody(memberLookupSchema, request.query)),
  );
  app.get(
    '/api/v1/members/plans',
    needs('members.read', {
      summary: 'Paid-membership plans 付费会员方案',
      answers: { '200': 'plans: id, label, price (yuan), months' },
    }),
    async () => ({ plans: await center.plans() }),
  );
  read(
    '/api/v1/members/:code',
    'A member with wallet balance and points 会员信息',
    'The member, wallet { balance, principal, bonus } and points',
    (actor, { code }) => center.get(actor, code),
  );
  write(
    '/api/v1/members/:code/ids',
    'Link an external id 绑定外部 ID',
    linkIdSchema,
    'The member',
    (actor, key, { code }, body) => center.link(actor, key, code, body),
  );
  for (const [path, kind, summary] of [
    ['top-up', 'top_up', 'Top up the wallet, with the bonus tier reached (充值，充200送20) 储值充值'],
    ['change', 'change', 'Put change from a cash payment into the wallet 找零存入储值'],
    ['pay', 'pay', 'Pay from the wallet; bonus value used by the chain’s rule 储值支付'],
  ] as const)
    write(
      `/api/v1/members/:code/wallet/${path}`,
      summary,
      walletMoveSchema,
      'The wallet entry with the balance after it',
      (actor, key, { code }, body) => center.moveWallet(actor, key, code, kind, body),
    );
  write(
    '/api/v1/members/:code/wallet/refund',
    'Refund part or all of a wallet payment 储值退款',
    walletRefundSchema,
    'The refund entry',
    (actor, key, { code }, body) => center.refund(actor, key, code, body),
  );
  write(
    '/api/v1/members/:code/wallet/reverse',
    'Reverse a whole top-up the wallet still holds 撤销充值',
    entryRefSchema,
    'The reversing entry',
    (actor, key, { code }, body) => center.reverseTopUp(actor, key, code, body),
  );
  read(
    '/api/v1/members/:code/wallet',
    'Wallet balance and its newest entries 储值余额与流水',
    'balance { balance, principal, bonus }, entries (newest first)',
    (actor, { code }) => center.wallet(actor, code),
  );
  write(
    '/api/v1/members/:code/points/earn',
    'Earn points on a payment 积分累积',
    pointsEarnSchema,
    'The points entry',
    (actor, key, { code }, body) => center.earn(actor, key, code, body),
  );
  write(
    '/api/v1/members/:code/points/redeem',
    'Redeem points, soonest-expiring first 积分兑换',
    pointsRedeemSchema,
    'The points entry',
    (actor, key, { code }, body) => center.redeem(actor, key, code, body),
  );
  write(
    '/api/v1/members/:code/points/reverse',
    'Take back an earning’s points (a return) 积分冲回',
    entryRefSchema,
    'The reversing entry, with shortfall',
    (actor, key, { code }, body) => center.reverseEarn(actor, key, code, body),
  );
  read(
    '/api/v1/members/:code/points',
    'Points balance and its newest entries 积分余额与流水',
    'balance, entries (newest first)',
    (actor, { code }) => center.points(actor, code),
  );
  write(
    '/api/v1/members/:code/membership/join',
    'Buy paid membership (e.g. ¥199 a year) 开通付费会员',
    membershipJoinSchema,
    'The period bought: plan, startsOn, endsOn, price',
    (actor, key, { code }, body) => center.buyMembership(actor, key, code, body, false),
  );
  write(
    '/api/v1/members/:code/membership/renew',
    'Renew paid membership from the day after the last period ends 续费付费会员',
    membershipRenewSchema,
    'The period bought',
    (actor, key, { code }, body) => center.buyMembership(actor, key, code, body, true),
  );
  write(
    '/api/v1/members/:code/membership/refund',
    'End paid membership today, refunding the unused days (pro rata) 退付费会员',
    membershipChangeSchema,
    'The periods refunded, each with what was paid back',
    (actor, key, { code }, body) => center.refundMembership(actor, key, code, body),
  );
  write(
    '/api/v1/members/:code/merge',
    'Merge another member into this one: wallet, points, ids and paid periods move; audited 合并会员',
    mergeSchema,
    'The member, with what moved',
    (actor, key, { code }, body) => center.merge(actor, key, code, body),
  );
  write(
    '/api/v1/members/:code/merge/undo',
    'Undo a merge into this member while it is unsettled (no wallet, points or paid change since); audited 撤销合并',
    mergeSchema,
    'Both members again, with what went back',
    (actor, key, { code }, body) => center.undoMerge(actor, key, code, body),
  );
  read(
    '/api/v1/members/:code/history',
    'The member’s history: joined, generation and grade changes, merges, newest first 会员变更记录',
    'changes: at, change (registered, generation, grade, merged, unmerged), from, to',
    (actor, { code }) => center.history(actor, code),
  );
  read(
    '/api/v1/members/:code/membership',
    'Paid membership: the period covering today and every period 付费会员记录',
    'active (or null), memberships (newest first)',
    (actor, { code }) => center.memberships(actor, code),
  );
  write(
    '/api/v1/members/:code/wallet/adjust',
    'Correct a wallet by hand with a reason; above the chain’s limit (¥100) it waits for a second person 储值人工调整',
    adjustmentSchema,
    'Posted (201), or waiting for approval (202): the adjustment',
    (actor, key, { code }, body) => center.adjust(actor, key, code, body),
    'members.adjust',
  );
  app.get(
    '/api/v1/members/rules',
    needs('members.read', {
      summary:
        'The member rules: top-up bonus tiers, points, paid plans, refunds, grades, approval limit 会员规则',
      answers: {
        '200':
          'topUpBonus, bonusSpend, pointsPerYuan, pointsMultiplier, plans, membershipRefund, adjustApprovalAbove, grades',
      },
    }),
    async () => center.rulesView(),
  );
  app.put(
    '/api/v1/members/rules',
    needs('settings.edit', {
      summary:
        'Change the member rules (whole); plans members hold today cannot be removed; audited 修改会员规则',
      body: memberRulesSchema,
      answers: { '200': 'The rules as saved' },
    }),
    async (request) => center.setRules(await actorOf(request), parseBody(memberRulesSchema, request.body)),
  );
  app.get(
    '/api/v1/members/adjustments',
    needs('members.adjust', {
      summary: 'Manual adjustments, newest first; ?status=pending for those waiting 人工调整单',
      query: adjustmentListSchema,
      answers: {
        '200': 'adjustments: id, member, account, amount, reason, requestedBy, status, decidedBy, entry',
      },
    }),
    async (request) => ({
      adjustments: await center.adjustments(parseBody(adjustmentListSchema, request.query).status ?? null),
    }),
  );
  write(
    '/api/v1/members/adjustments/:id/decide',
    'Approve or reject a waiting adjustment (not the one who asked) 审批人工调整',
    decisionSchema,
    'The adjustment as decided',
    (actor, key, params, body) =>
      center.decideAdjustment(actor, key, parseBody(adjustmentIdSchema, params).id, body.approve),
    'members.adjust',
  );
}
