import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  type AppStore,
  createEmbedLink,
  type DashboardActor,
  dashboardActorOf,
  dashboards,
  openEmbedLink,
  readTheme,
  recordAudit,
  saveTheme,
} from '../../appstore/index.js';
import {
  type AuditAction,
  dashboardInputSchema,
  embedRequestSchema,
  restoreRequestSchema,
  themeSchema,
} from '../../contract/index.js';
import { callerOf, clientIp } from '../auth.js';
import { parseBody } from '../body.js';
import { anyone, needs } from '../openapi.js';

const idSchema = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) }).strict();
const tokenSchema = z.object({ token: z.string().min(1).max(4096) }).strict();

/** The caller as the dashboard rules see it. */
export const dashboardActor = (request: FastifyRequest): DashboardActor & { userId: number } =>
  dashboardActorOf(callerOf(request));

/** Dashboards (看板), embed links and the theme: what the web app keeps in the application store. */
export function dashboardRoutes(app: FastifyInstance, store: AppStore): void {
  // Everyone reads the dashboards shared with them, and every tile answers within the reader's grants;
  // changing one takes dashboards.edit and being its owner, an administrator or shared with to edit.
  const audit = (request: FastifyRequest, action: AuditAction, target: number, detail = {}) =>
    recordAudit(store, {
      actor: callerOf(request).username,
      action,
      target: String(target),
      detail,
      ip: clientIp(request),
    });
  const idOf = (request: FastifyRequest) => parseBody(idSchema, request.params).id;

  app.get(
    '/api/v1/dashboards',
    needs('data.read', {
      summary: 'Dashboards shared with the caller, newest first 看板列表',
      answers: { '200': 'dashboards: id, name, tiles, owner, shares, version, canEdit, canDelete' },
    }),
    async (request) => ({
      dashboards: await dashboards.list(store, dashboardActor(request)),
    }),
  );
  app.post(
    '/api/v1/dashboards',
    needs('dashboards.edit', {
      summary: 'Create a dashboard of saved questions 新建看板',
      body: dashboardInputSchema,
      answers: { '201': 'The dashboard with its id' },
    }),
    async (request, reply) => {
      const created = await dashboards.create(
        store,
        parseBody(dashboardInputSchema, request.body),
        dashboardActor(request),
      );
      await audit(request, 'dashboard.create', created.id, { name: created.name, shares: created.shares });
      return reply.code(201).send(created);
    },
  );
  app.get(
    '/api/v1/dashboards/:id',
    needs('data.read', {
      summary: 'One dashboard 看板',
      numericParams: ['id'],
      answers: { '200': 'The dashboard' },
      notFound: 'No such dashboard, or not shared with the caller',
    }),
    async (request) => dashboards.get(store, idOf(request), dashboardActor(request)),
  );
  app.put(
    '/api/v1/dashboards/:id',
    needs('dashboards.edit', {
      summary:
        'Replace a dashboard’s name and tiles (its owner, an administrator or an edit share); with `version`, refused (409) if changed meanwhile 保存看板',
      numericParams: ['id'],
      body: dashboardInputSchema,
      answers: {
        '200': 'The dashboard as saved',
        '409': 'CONFLICT: changed by someone else since `version`',
      },
      notFound: 'No such dashboard, or not shared with the caller',
    }),
    async (request) => {
      const saved = await dashboards.replace(
        store,
        idOf(request),
        parseBody(dashboardInputSchema, request.body),
        dashboardActor(request),
      );
      await audit(request, 'dashboard.update', saved.id, {
        name: saved.name,
        version: saved.version,
        tiles: saved.tiles.length,
        shares: saved.shares,
      });
      return saved;
    },
  );
  app.delete(
    '/api/v1/dashboards/:id',
    needs('dashboards.edit', {
      summary: 'Delete a dashboard (its owner or an administrator; restorable) 删除看板',
      numericParams: ['id'],
      answers: { '204': 'Deleted' },
      notFound: 'No such dashboard, or not shared with the caller',
    }),
    async (request, reply) => {
      const removed = await dashboards.remove(store, idOf(request), dashboardActor(request));
      await audit(request, 'dashboard.delete', removed.id, { name: removed.name, version: removed.version });
      return reply.code(204).send();
    },
  );
  // Every change is kept: its history, and any version (or a deleted dashboard) brought back.
  app.get(
    '/api/v1/dashboards/:id/versions',
    needs('data.read', {
      summary: 'Every kept version of a dashboard, newest first 看板历史版本',
      numericParams: ['id'],
      answers: { '200': 'versions: version, name, tiles, change, changedBy, changedAt' },
      notFound: 'No such dashboard, or not shared with the caller',
    }),
    async (request) => ({
      versions: await dashboards.versions(store, idOf(request), dashboardActor(request)),
    }),
  );
  app.post(
    '/api/v1/dashboards/:id/restore',
    needs('dashboards.edit', {
      summary: 'Bring back a kept version (and a deleted dashboard) 恢复看板版本',
      numericParams: ['id'],
      body: restoreRequestSchema,
      answers: { '200': 'The dashboard as restored' },
      notFound: 'No such dashboard or version',
    }),
    async (request) => {
      const { version } = parseBody(restoreRequestSchema, request.body);
      const restored = await dashboards.restore(store, idOf(request), version, dashboardActor(request));
      await audit(request, 'dashboard.restore', restored.id, { from: version, version: restored.version });
      return restored;
    },
  );
  // 无缝集成: a signed, expiring link to a dashboard with fixed filters, and what such a link shows.
  // A link shows data to people who never signed in: it needs the right to export, and they read with the
  // grants its maker has at the time they look.
  app.post(
    '/api/v1/embed',
    needs('data.export', {
      summary: 'A signed, expiring link to a dashboard with fixed filters 生成嵌入链接',
      body: embedRequestSchema,
      answers: { '201': 'token, path (/embed/{token}), expiresAt' },
    }),
    async (request, reply) => {
      const caller = callerOf(request);
      const body = parseBody(embedRequestSchema, request.body);
      const link = await createEmbedLink(store, body, dashboardActor(request));
      await recordAudit(store, {
        actor: caller.username,
        action: 'embed.create',
        target: String(body.dashboardId),
        detail: { filters: body.filters, days: body.days ?? null, expiresAt: link.expiresAt },
        ip: clientIp(request),
      });
      return reply.code(201).send(link);
    },
  );
  app.get(
    '/api/v1/embed/:token',
    anyone({
      summary: 'What an embed link shows: its dashboard and fixed filters 打开嵌入链接',
      answers: { '200': 'dashboard, filters, days, expiresAt', '401': 'Altered or expired link' },
    }),
    async (request) => openEmbedLink(store, parseBody(tokenSchema, request.params).token),
  );
  // The sign-in page wears the chain's theme too.
  app.get(
    '/api/v1/settings/theme',
    anyone({
      summary: 'The web app’s theme (no sign-in: the sign-in page wears it) 主题',
      answers: { '200': 'mode, brandColor, logoText, logoImage' },
    }),
    async () => readTheme(store),
  );
  app.put(
    '/api/v1/settings/theme',
    needs('settings.edit', {
      summary: 'Set the theme: light or dark, brand colour, logo 定制主题',
      body: themeSchema,
      answers: { '200': 'The theme as saved' },
    }),
    async (request) => {
      const saved = await saveTheme(store, parseBody(themeSchema, request.body));
      await recordAudit(store, {
        actor: callerOf(request).username,
        action: 'settings.theme',
        detail: { ...saved, logoImage: saved.logoImage ? '(image)' : null },
        ip: clientIp(request),
      });
      return saved;
    },
  );
}
