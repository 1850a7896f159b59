import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  type AppStore,
  addUser,
  grant,
  listRoles,
  listUsers,
  recordAudit,
  revoke,
  saveRole,
  setDisabled,
  setPassword,
  setRole,
} from '../../appstore/index.js';
import {
  type AuditAction,
  grantsRequestSchema,
  roleInputSchema,
  userChangeSchema,
  userInputSchema,
  usernameSchema,
} from '../../contract/index.js';
import { callerOf, clientIp } from '../auth.js';
import { parseBody } from '../body.js';
import { needs } from '../openapi.js';

const who = z.object({ username: usernameSchema }).strict();

/** User management (用户管理): users, their roles and grants, custom roles. Admins only. */
export function userRoutes(app: FastifyInstance, store: AppStore): void {
  const audit = (request: Parameters<typeof callerOf>[0], action: AuditAction, target: string, detail = {}) =>
    recordAudit(store, { actor: callerOf(request).username, action, target, detail, ip: clientIp(request) });

  app.get(
    '/api/v1/users',
    needs('users.manage', { summary: 'Users with roles and grants 用户列表', answers: { '200': 'users' } }),
    async () => ({ users: await listUsers(store) }),
  );
  app.post(
    '/api/v1/users',
    needs('users.manage', {
      summary: 'Add a user; without a password one is generated and returned once 新增用户',
      body: userInputSchema,
      answers: { '201': '{ user, password? }: a generated password is in this answer only' },
    }),
    async (request, reply) => {
      const input = parseBody(userInputSchema, request.body);
      const made = await addUser(store, input);
      await audit(request, 'user.add', made.user.username, { role: made.user.role });
      // A generated password is in this answer only.
      return reply.code(201).send(made);
    },
  );
  app.put(
    '/api/v1/users/:username',
    needs('users.manage', {
      summary: 'Change role, disable or enable, set a password 修改用户',
      body: userChangeSchema,
      answers: { '200': 'The user' },
      notFound: 'No such user',
    }),
    async (request) => {
      const { username } = parseBody(who, request.params);
      const change = parseBody(userChangeSchema, request.body);
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
    },
  );
  // Granting and revoking take the same body and answer the user as changed.
  const grants = (summary: string, change: typeof grant, action: AuditAction) =>
    [
      needs('users.manage', {
        summary,
        body: grantsRequestSchema,
        answers: { '200': 'The user' },
        notFound: 'No such user',
      }),
      async (request: FastifyRequest) => {
        const { username } = parseBody(who, request.params);
        const body = parseBody(grantsRequestSchema, request.body);
        const user = await change(store, username, body.grants);
        await audit(request, action, username, { grants: body.grants });
        return user;
      },
    ] as const;
  app.post(
    '/api/v1/users/:username/grants',
    ...grants('Grant stores, regions, formats or suppliers 授予数据权限', grant, 'user.grant'),
  );
  app.delete(
    '/api/v1/users/:username/grants',
    ...grants('Revoke grants 收回数据权限', revoke, 'user.revoke'),
  );
  app.get(
    '/api/v1/roles',
    needs('users.manage', { summary: 'Built-in and custom roles 角色', answers: { '200': 'roles' } }),
    async () => ({ roles: await listRoles(store) }),
  );
  app.post(
    '/api/v1/roles',
    needs('users.manage', {
      summary: 'Define a custom role 自定义角色',
      body: roleInputSchema,
      answers: { '201': 'The role' },
    }),
    async (request, reply) => {
      const role = await saveRole(store, parseBody(roleInputSchema, request.body));
      await audit(request, 'role.save', role.name, { permissions: role.permissions, allData: role.allData });
      return reply.code(201).send(role);
    },
  );
}
