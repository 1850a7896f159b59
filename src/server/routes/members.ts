import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  entryRefSchema,
  linkIdSchema,
  memberLookupSchema,
  membershipChangeSchema,
  membershipJoinSchema,
  pointsEarnSchema,
  pointsRedeemSchema,
  registerMemberSchema,
  walletMoveSchema,
  walletRefundSchema,
} from '../../contract/index.js';
import type { MemberActor, MemberCenter, Written } from '../../members/index.js';
import { resolveScope } from '../../metrics/index.js';
import type { Engine } from '../../warehouse/index.js';
import { callerOf, scopeOf } from '../auth.js';
import { parseBody } from '../body.js';
import { needs, type RouteDoc } from '../openapi.js';

const KEY_HEADER = {
  name: 'Idempotency-Key',
  description: 'required: the write’s key; a retry with the same key and body gets the first answer again',
  maxLength: 128,
};
const codeOf = (request: FastifyRequest) => (request.params as { code: string }).code;
const keyOf = (request: FastifyRequest) => request.headers['idempotency-key'] as string | undefined;

/**
 * The member center's API (会员中台) for tills, mini-programs and apps. Every write takes an Idempotency-Key;
 * a caller granted stores acts only for those stores; phone numbers show in full only with members.pii.
 */
export function memberRoutes(app: FastifyInstance, center: MemberCenter, engine: Engine | undefined): void {
  const actorOf = async (request: FastifyRequest): Promise<MemberActor> => {
    const caller = callerOf(request);
    // Grants name stores, regions or formats: the warehouse's store table says which stores they reach.
    const scope = scopeOf(request);
    const stores = scope.all
      ? null
      : engine
        ? new Set((await resolveScope(engine, scope)).storeIds ?? [])
        : new Set(scope.grants.filter((g) => g.kind === 'store').map((g) => Number(g.value)));
    return { id: `user:${caller.userId}`, stores, pii: caller.permissions.has('members.pii') };
  };
  const answer = <T>(reply: { code(n: number): { send(v: T): unknown } }, written: Written<T>) =>
    reply.code(written.replayed ? 200 : written.status).send(written.answer);
  const write = (summary: string, body: RouteDoc['body'], answers: string): RouteDoc => ({
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

  app.post(
    '/api/v1/members',
    needs('members.write', {
      ...write('Register a member by mobile number 注册会员', registerMemberSchema, 'The member (code M…)'),
      notFound: undefined,
    }),
    async (request, reply) =>
      answer(
        reply,
        await center.register(
          await actorOf(request),
          keyOf(request),
          parseBody(registerMemberSchema, request.body),
        ),
      ),
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
    '/api/v1/members/:code',
    needs('members.read', {
      summary: 'A member with wallet balance and points 会员信息',
      answers: { '200': 'The member, wallet { balance, principal, bonus } and points' },
      notFound: 'No such member',
    }),
    async (request) => center.get(await actorOf(request), codeOf(request)),
  );
  app.post(
    '/api/v1/members/:code/ids',
    needs('members.write', write('Link an external id 绑定外部 ID', linkIdSchema, 'The member')),
    async (request, reply) =>
      answer(
        reply,
        await center.link(
          await actorOf(request),
          keyOf(request),
          codeOf(request),
          parseBody(linkIdSchema, request.body),
        ),
      ),
  );
  for (const [path, kind, summary] of [
    ['top-up', 'top_up', 'Top up the wallet, with the bonus tier reached (充值，充200送20) 储值充值'],
    ['change', 'change', 'Put change from a cash payment into the wallet 找零存入储值'],
    ['pay', 'pay', 'Pay from the wallet; bonus value used by the chain’s rule 储值支付'],
  ] as const)
    app.post(
      `/api/v1/members/:code/wallet/${path}`,
      needs('members.write', write(summary, walletMoveSchema, 'The wallet entry with the balance after it')),
      async (request, reply) =>
        answer(
          reply,
          await center.moveWallet(
            await actorOf(request),
            keyOf(request),
            codeOf(request),
            kind,
            parseBody(walletMoveSchema, request.body),
          ),
        ),
    );
  app.post(
    '/api/v1/members/:code/wallet/refund',
    needs(
      'members.write',
      write('Refund part or all of a wallet payment 储值退款', walletRefundSchema, 'The refund entry'),
    ),
    async (request, reply) =>
      answer(
        reply,
        await center.refund(
          await actorOf(request),
          keyOf(request),
          codeOf(request),
          parseBody(walletRefundSchema, request.body),
        ),
      ),
  );
  app.post(
    '/api/v1/members/:code/wallet/reverse',
    needs(
      'members.write',
      write('Reverse a whole top-up the wallet still holds 撤销充值', entryRefSchema, 'The reversing entry'),
    ),
    async (request, reply) =>
      answer(
        reply,
        await center.reverseTopUp(
          await actorOf(request),
          keyOf(request),
          codeOf(request),
          parseBody(entryRefSchema, request.body),
        ),
      ),
  );
  app.get(
    '/api/v1/members/:code/wallet',
    needs('members.read', {
      summary: 'Wallet balance and its newest entries 储值余额与流水',
      answers: { '200': 'balance { balance, principal, bonus }, entries (newest first)' },
      notFound: 'No such member',
    }),
    async (request) => center.wallet(await actorOf(request), codeOf(request)),
  );
  app.post(
    '/api/v1/members/:code/points/earn',
    needs('members.write', write('Earn points on a payment 积分累积', pointsEarnSchema, 'The points entry')),
    async (request, reply) =>
      answer(
        reply,
        await center.earn(
          await actorOf(request),
          keyOf(request),
          codeOf(request),
          parseBody(pointsEarnSchema, request.body),
        ),
      ),
  );
  app.post(
    '/api/v1/members/:code/points/redeem',
    needs(
      'members.write',
      write('Redeem points, soonest-expiring first 积分兑换', pointsRedeemSchema, 'The points entry'),
    ),
    async (request, reply) =>
      answer(
        reply,
        await center.redeem(
          await actorOf(request),
          keyOf(request),
          codeOf(request),
          parseBody(pointsRedeemSchema, request.body),
        ),
      ),
  );
  app.post(
    '/api/v1/members/:code/points/reverse',
    needs(
      'members.write',
      write(
        'Take back an earning’s points (a return) 积分冲回',
        entryRefSchema,
        'The reversing entry, with shortfall',
      ),
    ),
    async (request, reply) =>
      answer(
        reply,
        await center.reverseEarn(
          await actorOf(request),
          keyOf(request),
          codeOf(request),
          parseBody(entryRefSchema, request.body),
        ),
      ),
  );
  app.get(
    '/api/v1/members/plans',
    needs('members.read', {
      summary: 'Paid-membership plans 付费会员方案',
      answers: { '200': 'plans: id, label, price (yuan), months' },
    }),
    async () => ({ plans: await center.plans() }),
  );
  for (const [path, renew, summary] of [
    ['join', false, 'Buy paid membership (e.g. ¥199 a year) 开通付费会员'],
    ['renew', true, 'Renew paid membership from the day after the last period ends 续费付费会员'],
  ] as const)
    app.post(
      `/api/v1/members/:code/membership/${path}`,
      needs(
        'members.write',
        write(
          summary,
          renew
            ? membershipChangeSchema.extend({ plan: membershipJoinSchema.shape.plan.optional() })
            : membershipJoinSchema,
          'The period bought: plan, startsOn, endsOn, price',
        ),
      ),
      async (request, reply) =>
        answer(
          reply,
          await center.buyMembership(
            await actorOf(request),
            keyOf(request),
            codeOf(request),
            renew
              ? parseBody(
                  membershipChangeSchema.extend({ plan: membershipJoinSchema.shape.plan.optional() }),
                  request.body,
                )
              : parseBody(membershipJoinSchema, request.body),
            renew,
          ),
        ),
    );
  app.post(
    '/api/v1/members/:code/membership/refund',
    needs(
      'members.write',
      write(
        'End paid membership today, refunding the unused days (pro rata) 退付费会员',
        membershipChangeSchema,
        'The periods refunded, each with what was paid back',
      ),
    ),
    async (request, reply) =>
      answer(
        reply,
        await center.refundMembership(
          await actorOf(request),
          keyOf(request),
          codeOf(request),
          parseBody(membershipChangeSchema, request.body),
        ),
      ),
  );
  app.get(
    '/api/v1/members/:code/membership',
    needs('members.read', {
      summary: 'Paid membership: the period covering today and every period 付费会员记录',
      answers: { '200': 'active (or null), memberships (newest first)' },
      notFound: 'No such member',
    }),
    async (request) => center.memberships(await actorOf(request), codeOf(request)),
  );
  app.get(
    '/api/v1/members/:code/points',
    needs('members.read', {
      summary: 'Points balance and its newest entries 积分余额与流水',
      answers: { '200': 'balance, entries (newest first)' },
      notFound: 'No such member',
    }),
    async (request) => center.points(await actorOf(request), codeOf(request)),
  );
}
