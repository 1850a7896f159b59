import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  type AppStore,
  createToken,
  listAudit,
  listTokens,
  recordAudit,
  revokeToken,
} from '../../appstore/index.js';
import { auditQuerySchema, tokenRequestSchema } from '../../contract/index.js';
import { ZhongtaiError } from '../../model/index.js';
import { callerOf, clientIp } from '../auth.js';
import { parseBody } from '../body.js';
import { needs } from '../openapi.js';

const idParams = z.object({ id: z.string().regex(/^[0-9a-f]{12}$/) }).strict();

/** API tokens (a user's own; any user's for admins) and the audit log. */
export function tokenRoutes(app: FastifyInstance, store: AppStore): void {
  app.get(
    '/api/v1/tokens',
    needs('data.read', {
      summary: 'Your API tokens (everyone’s for administrators), never their secrets 令牌列表',
      answers: {
        '200': 'tokens: id, username, name, permissions, source, createdAt, expiresAt, revokedAt, lastUsedAt',
      },
    }),
    async (request) => {
      const caller = callerOf(request);
      const all = caller.permissions.has('users.manage');
      return { tokens: await listTokens(store, all ? undefined : caller.username) };
    },
  );
  app.post(
    '/api/v1/tokens',
    needs('data.read', {
      summary: 'Make an API token, shown once; signed-in people only 创建令牌',
      body: tokenRequestSchema,
      answers: { '201': '{ token, info }: the token itself is in this answer only' },
    }),
    async (request, reply) => {
      const caller = callerOf(request);
      if (request.via !== 'session')
        throw new ZhongtaiError('FORBIDDEN', {
          en: 'Tokens are made by a signed-in person, not by another token',
          zh: '令牌只能由已登录的用户创建，不能由令牌创建',
        });
      const body = parseBody(tokenRequestSchema, request.body);
      const username = body.username ?? caller.username;
      if (username !== caller.username && !caller.permissions.has('users.manage'))
        throw new ZhongtaiError('FORBIDDEN', {
          en: 'Only an administrator makes tokens for other users',
          zh: '只有管理员可以为其他用户创建令牌',
        });
      const made = await createToken(store, { ...body, username });
      await recordAudit(store, {
        actor: caller.username,
        action: 'token.create',
        target: made.info.id,
        detail: { for: username, permissions: made.info.permissions, source: made.info.source },
        ip: clientIp(request),
      });
      // The secret is shown here once and kept only as its digest.
      return reply.code(201).send(made);
    },
  );
  app.delete(
    '/api/v1/tokens/:id',
    needs('data.read', {
      summary: 'Revoke a token (your own; any for administrators) 撤销令牌',
      answers: { '200': 'The revoked token' },
      notFound: 'No such token of yours',
    }),
    async (request) => {
      const caller = callerOf(request);
      const { id } = parseBody(idParams, request.params);
      const owned = (await listTokens(store, caller.username)).some((t) => t.id === id);
      if (!owned && !caller.permissions.has('users.manage'))
        throw new ZhongtaiError(
          'NOT_FOUND',
          { en: `No token ${id}`, zh: `令牌 ${id} 不存在` },
          { field: 'id' },
        );
      const revoked = await revokeToken(store, id);
      await recordAudit(store, {
        actor: caller.username,
        action: 'token.revoke',
        target: id,
        ip: clientIp(request),
      });
      return revoked;
    },
  );
  app.get(
    '/api/v1/audit',
    needs('audit.read', {
      summary: 'The audit log, newest first 审计日志',
      query: auditQuerySchema,
      answers: { '200': 'entries: id, at, actor, action, target, detail, ip' },
    }),
    async (request) => ({
      entries: await listAudit(store, parseBody(auditQuerySchema, request.query)),
    }),
  );
}
