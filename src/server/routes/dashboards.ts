import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  type AppStore,
  createEmbedLink,
  type DashboardActor,
  dashboardInputSchema,
  dashboards,
  embedRequestSchema,
  openEmbedLink,
  readTheme,
  recordAudit,
  saveTheme,
  themeSchema,
} from '../../appstore/index.js';
import { callerOf, clientIp } from '../auth.js';
import { parseBody } from '../body.js';

const idSchema = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) }).strict();
const tokenSchema = z.object({ token: z.string().min(1).max(4096) }).strict();
const restoreSchema = z.object({ version: z.number().int().positive().max(2_147_483_647) }).strict();

/** The caller as the dashboard rules see it. */
export function dashboardActor(request: FastifyRequest): DashboardActor & { userId: number } {
  const caller = callerOf(request);
  return {
    userId: caller.userId,
    username: caller.username,
    role: caller.role,
    edits: caller.permissions.has('dashboards.edit'),
    managesAll: caller.permissions.has('users.manage'),
  };
}

/** Dashboards (看板), embed links and the theme: what the web app keeps in the application store. */
export function dashboardRoutes(app: FastifyInstance, store: AppStore): void {
  // Everyone reads the dashboards shared with them, and every tile answers within the reader's grants;
  // changing one takes dashboards.edit and being its owner, an administrator or shared with to edit.
  const read = { config: { permission: 'data.read' as const } };
  const edit = { config: { permission: 'dashboards.edit' as const } };
  const audit = (request: FastifyRequest, action: string, target: number, detail = {}) =>
    recordAudit(store, {
      actor: callerOf(request).username,
      action,
      target: String(target),
      detail,
      ip: clientIp(request),
    });
  const idOf = (request: FastifyRequest) => parseBody(idSchema, request.params).id;

  app.get('/api/v1/dashboards', read, async (request) => ({
    dashboards: await dashboards.list(store, dashboardActor(request)),
  }));
  app.post('/api/v1/dashboards', edit, async (request, reply) => {
    const created = await dashboards.create(
      store,
      parseBody(dashboardInputSchema, request.body),
      dashboardActor(request),
    );
    await audit(request, 'dashboard.create', created.id, { name: created.name, shares: created.shares });
    return reply.code(201).send(created);
  });
  app.get('/api/v1/dashboards/:id', read, async (request) =>
    dashboards.get(store, idOf(request), dashboardActor(request)),
  );
  app.put('/api/v1/dashboards/:id', edit, async (request) => {
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
  });
  app.delete('/api/v1/dashboards/:id', edit, async (request, reply) => {
    const removed = await dashboards.remove(store, idOf(request), dashboardActor(request));
    await audit(request, 'dashboard.delete', removed.id, { name: removed.name, version: removed.version });
    return reply.code(204).send();
  });
  // Every change is kept: its history, and any version (or a deleted dashboard) brought back.
  app.get('/api/v1/dashboards/:id/versions', read, async (request) => ({
    versions: await dashboards.versions(store, idOf(request), dashboardActor(request)),
  }));
  app.post('/api/v1/dashboards/:id/restore', edit, async (request) => {
    const { version } = parseBody(restoreSchema, request.body);
    const restored = await dashboards.restore(store, idOf(request), version, dashboardActor(request));
    await audit(request, 'dashboard.restore', restored.id, { from: version, version: restored.version });
    return restored;
  });
  // 无缝集成: a signed, expiring link to a dashboard with fixed filters, and what such a link shows.
  // A link shows data to people who never signed in: it needs the right to export, and they read with the
  // grants its maker has at the time they look.
  app.post('/api/v1/embed', { config: { permission: 'data.export' } }, async (request, reply) => {
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
  });
  app.get('/api/v1/embed/:token', { config: { public: true } }, async (request) =>
    openEmbedLink(store, parseBody(tokenSchema, request.params).token),
  );
  // The sign-in page wears the chain's theme too.
  app.get('/api/v1/settings/theme', { config: { public: true } }, async () => readTheme(store));
  app.put('/api/v1/settings/theme', { config: { permission: 'settings.edit' } }, async (request) => {
    const saved = await saveTheme(store, parseBody(themeSchema, request.body));
    await recordAudit(store, {
      actor: callerOf(request).username,
      action: 'settings.theme',
      detail: { ...saved, logoImage: saved.logoImage ? '(image)' : null },
      ip: clientIp(request),
    });
    return saved;
  });
}
