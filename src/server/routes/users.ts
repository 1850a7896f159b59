import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  type AppStore,
  addUser,
  grant,
  grantSchema,
  listRoles,
  listUsers,
  recordAudit,
  revoke,
  roleInputSchema,
  saveRole,
  setDisabled,
  setPassword,
  setRole,
  userInputSchema,
  usernameSchema,
} from '../../appstore/index.js';
import { callerOf, clientIp } from '../auth.js';
import { parseBody } from '../body.js';

const who = z.object({ username: usernameSchema }).strict();
const grantsBody = z.object({ grants: z.array(grantSchema).min(1).max(1000) }).strict();
const changeBody = z
  .object({
    role: z.string().min(1).max(32).optional(),
    disabled: z.boolean().optional(),
    password: z.string().min(1).max(256).optional(),
    /** With a new password: revoke the user's API tokens too (default true, as a reset follows a leak). */
    revokeTokens: z.boolean().optional(),
  })
  .strict();

/** User management (用户管理): users, their roles and grants, custom roles. Admins only. */
export function userRoutes(app: FastifyInstance, store: AppStore): void {
  const manage = { config: { permission: 'users.manage' as const } };
  const audit = (request: Parameters<typeof callerOf>[0], action: string, target: string, detail = {}) =>
    recordAudit(store, { actor: callerOf(request).username, action, target, detail, ip: clientIp(request) });

  app.get('/api/v1/users', manage, async () => ({ users: await listUsers(store) }));
  app.post('/api/v1/users', manage, async (request, reply) => {
    const input = parseBody(userInputSchema, request.body);
    const made = await addUser(store, input);
    await audit(request, 'user.add', made.user.username, { role: made.user.role });
    // A generated password is in this answer only.
    return reply.code(201).send(made);
  });
  app.put('/api/v1/users/:username', manage, async (request) => {
    const { username } = parseBody(who, request.params);
    const change = parseBody(changeBody, request.body);
    if (change.password !== undefined) {
      const done = await setPassword(store, username, change.password, {
        revokeTokens: change.revokeTokens ?? true,
      });
      await audit(request, 'user.password', username, done);
    }
    if (change.role !== undefined) {
      await setRole(store, username, change.role);
      await audit(request, 'user.role', username, { role: change.role });
    }
    if (change.disabled !== undefined) {
      await setDisabled(store, username, change.disabled);
      await audit(request, change.disabled ? 'user.disable' : 'user.enable', username);
    }
    return (await listUsers(store)).find((u) => u.username === username);
  });
  app.post('/api/v1/users/:username/grants', manage, async (request) => {
    const { username } = parseBody(who, request.params);
    const { grants } = parseBody(grantsBody, request.body);
    const user = await grant(store, username, grants);
    await audit(request, 'user.grant', username, { grants });
    return user;
  });
  app.delete('/api/v1/users/:username/grants', manage, async (request) => {
    const { username } = parseBody(who, request.params);
    const { grants } = parseBody(grantsBody, request.body);
    const user = await revoke(store, username, grants);
    await audit(request, 'user.revoke', username, { grants });
    return user;
  });
  app.get('/api/v1/roles', manage, async () => ({ roles: await listRoles(store) }));
  app.post('/api/v1/roles', manage, async (request, reply) => {
    const role = await saveRole(store, parseBody(roleInputSchema, request.body));
    await audit(request, 'role.save', role.name, { permissions: role.permissions, allData: role.allData });
    return reply.code(201).send(role);
  });
}
