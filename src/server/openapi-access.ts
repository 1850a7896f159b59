import { z } from 'zod';
import {
  auditQuerySchema,
  grantSchema,
  roleInputSchema,
  tokenInputSchema,
  userInputSchema,
} from '../appstore/index.js';
import { querySchema } from '../metrics/index.js';

const json = (schema: z.ZodType) => ({
  required: true,
  content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input' }) } },
});
const ok = (description: string) => ({ '200': { description } });
const grants = z.object({ grants: z.array(grantSchema).min(1) });
const usernameParam = { name: 'username', in: 'path', required: true, schema: { type: 'string' } };

/** Sign-in, users, roles, tokens, the audit log and exports: the access-control part of /api/v1. */
export const accessPaths = {
  '/api/v1/health/live': {
    get: { summary: 'Liveness for load balancers (no sign-in) 存活检查', security: [], responses: ok('Up') },
  },
  '/api/v1/auth/login': {
    post: {
      summary: 'Sign in with a password: sets the session cookie, returns the CSRF token 登录',
      security: [],
      requestBody: json(z.object({ username: z.string(), password: z.string() })),
      responses: {
        ...ok('Signed in: { user, csrf, expiresAt }'),
        '401': { description: 'Wrong user name or password' },
        '429': { description: 'Locked after repeated failures, or too many attempts from this address' },
      },
    },
  },
  '/api/v1/auth/logout': {
    post: { summary: 'Sign out 退出登录', responses: { '204': { description: 'Done' } } },
  },
  '/api/v1/auth/password': {
    post: {
      summary: 'Change your own password (signed in; the current one checked; other sessions end) 修改密码',
      requestBody: json(
        z.object({ current: z.string(), next: z.string(), revokeTokens: z.boolean().optional() }),
      ),
      responses: {
        ...ok('Changed: { revokedTokens } (with revokeTokens: true, every API token of the user is revoked)'),
        '403': { description: 'Wrong current password' },
        '429': { description: 'Five wrong current passwords: locked for 15 minutes' },
      },
    },
  },
  '/api/v1/auth/me': {
    get: {
      security: [],
      summary: 'Who is signed in, with role, permissions, grants and CSRF token 当前用户',
      responses: ok('The user'),
    },
  },
  '/api/v1/users': {
    get: { summary: 'Users with roles and grants 用户列表 (users.manage)', responses: ok('Users') },
    post: {
      summary: 'Add a user; without a password one is generated and returned once 新增用户 (users.manage)',
      requestBody: json(userInputSchema),
      responses: { '201': { description: 'The user (and a generated password)' } },
    },
  },
  '/api/v1/users/{username}': {
    put: {
      summary: 'Change role, disable/enable, set password 修改用户 (users.manage)',
      parameters: [usernameParam],
      requestBody: json(
        z.object({
          role: z.string().optional(),
          disabled: z.boolean().optional(),
          password: z.string().optional(),
        }),
      ),
      responses: ok('The user'),
    },
  },
  '/api/v1/users/{username}/grants': {
    post: {
      summary: 'Grant stores, regions, formats or suppliers 授予数据权限 (users.manage)',
      parameters: [usernameParam],
      requestBody: json(grants),
      responses: ok('The user'),
    },
    delete: {
      summary: 'Revoke grants 收回数据权限 (users.manage)',
      parameters: [usernameParam],
      requestBody: json(grants),
      responses: ok('The user'),
    },
  },
  '/api/v1/roles': {
    get: { summary: 'Built-in and custom roles 角色 (users.manage)', responses: ok('Roles') },
    post: {
      summary: 'Define a custom role 自定义角色 (users.manage)',
      requestBody: json(roleInputSchema),
      responses: { '201': { description: 'The role' } },
    },
  },
  '/api/v1/tokens': {
    get: {
      summary: 'Your API tokens (everyone’s for admins), never their secrets 令牌列表',
      responses: ok('Tokens'),
    },
    post: {
      summary: 'Make an API token, shown once; signed-in people only 创建令牌',
      requestBody: json(tokenInputSchema.partial({ username: true })),
      responses: { '201': { description: '{ token, info }' } },
    },
  },
  '/api/v1/tokens/{id}': {
    delete: {
      summary: 'Revoke a token 撤销令牌',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: ok('The revoked token'),
    },
  },
  '/api/v1/audit': {
    get: {
      summary: 'The audit log, newest first 审计日志 (audit.read)',
      parameters: Object.keys(auditQuerySchema.shape).map((name) => ({
        name,
        in: 'query',
        schema: { type: 'string' },
      })),
      responses: ok('Entries'),
    },
  },
  '/api/v1/export': {
    post: {
      summary: 'Export an answer as JSON or CSV, within your grants, audited 导出 (data.export)',
      requestBody: json(
        z.object({
          query: querySchema,
          format: z.enum(['json', 'csv']).optional(),
          title: z.string().optional(),
        }),
      ),
      responses: {
        ...ok('The answer'),
        '422': { description: 'QUERY_LIMIT: over the time limit or the cell limit; narrow the cut' },
        '503': { description: 'BUSY: every place for heavy queries stayed taken; try again shortly' },
      },
    },
  },
};

/** How callers prove who they are: a session cookie (web app, with X-CSRF-Token on writes) or a bearer token. */
export const securitySchemes = {
  session: { type: 'apiKey', in: 'cookie', name: 'zt_session' },
  token: { type: 'http', scheme: 'bearer', description: 'zt_<id>_<secret>, from `zhongtai tokens create`' },
  embed: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Embed-Token',
    description: 'an embed link’s token (read only)',
  },
};
