import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  type AppStore,
  auditQuerySchema,
  createToken,
  listAudit,
  listTokens,
  recordAudit,
  revokeToken,
  tokenInputSchema,
} from '../../appstore/index.js';
import { ZhongtaiError } from '../../model/index.js';
import { callerOf, clientIp } from '../auth.js';
import { parseBody } from '../body.js';

const tokenBody = tokenInputSchema.partial({ username: true });
const idParams = z.object({ id: z.string().regex(/^[0-9a-f]{12}$/) }).strict();

/** API tokens (a user's own; any user's for admins) and the audit log. */
export function tokenRoutes(app: FastifyInstance, store: AppStore): void {
  const read = { config: { permission: 'data.read' as const } };
  app.get('/api/v1/tokens', read, async (request) => {
    const caller = callerOf(request);
    const all = caller.permissions.has('users.manage');
    return { tokens: await listTokens(store, all ? undefined : caller.username) };
  });
  app.post('/api/v1/tokens', read, async (request, reply) => {
    const caller = callerOf(request);
    if (request.via !== 'session')
      throw new ZhongtaiError('FORBIDDEN', {
        en: 'Tokens are made by a signed-in person, not by another token',
        zh: '令牌只能由已登录的用户创建，不能由令牌创建',
      });
    const body = parseBody(tokenBody, request.body);
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
  });
  app.delete('/api/v1/tokens/:id', read, async (request) => {
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
  });
  app.get('/api/v1/audit', { config: { permission: 'audit.read' } }, async (request) => ({
    entries: await listAudit(store, parseBody(auditQuerySchema, request.query)),
  }));
}
