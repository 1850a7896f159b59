import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  type AppStore,
  createEmbedLink,
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

const idSchema = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const tokenSchema = z.object({ token: z.string().min(1).max(4096) });

/** Dashboards (看板), embed links and the theme: what the web app keeps in the application store. */
export function dashboardRoutes(app: FastifyInstance, store: AppStore): void {
  // Dashboards are questions, not data: everyone reads them, and every tile answers within the reader's grants.
  const read = { config: { permission: 'data.read' as const } };
  const edit = { config: { permission: 'dashboards.edit' as const } };
  app.get('/api/v1/dashboards', read, async () => ({ dashboards: await dashboards.list(store) }));
  app.post('/api/v1/dashboards', edit, async (request, reply) => {
    const created = await dashboards.create(store, parseBody(dashboardInputSchema, request.body));
    return reply.code(201).send(created);
  });
  app.get('/api/v1/dashboards/:id', read, async (request) =>
    dashboards.get(store, parseBody(idSchema, request.params).id),
  );
  app.put('/api/v1/dashboards/:id', edit, async (request) =>
    dashboards.replace(
      store,
      parseBody(idSchema, request.params).id,
      parseBody(dashboardInputSchema, request.body),
    ),
  );
  // 无缝集成: a signed, expiring link to a dashboard with fixed filters, and what such a link shows.
  // A link shows data to people who never signed in: it needs the right to export, and they read with the
  // grants its maker has at the time they look.
  app.post('/api/v1/embed', { config: { permission: 'data.export' } }, async (request, reply) => {
    const caller = callerOf(request);
    const body = parseBody(embedRequestSchema, request.body);
    const link = await createEmbedLink(store, body, caller.userId);
    await recordAudit(store, {
      actor: caller.username,
      action: 'embed.create',
      target: String(body.dashboardId),
      detail: { filters: body.filters, expiresAt: link.expiresAt },
      ip: clientIp(request),
    });
    return reply.code(201).send(link);
  });
  app.get('/api/v1/embed/:token', { config: { public: true } }, async (request) =>
    openEmbedLink(store, parseBody(tokenSchema, request.params).token),
  );
  // The sign-in page wears the chain's theme too.
  app.get('/api/v1/settings/theme', { config: { public: true } }, async () => readTheme(store));
  app.put('/api/v1/settings/theme', { config: { permission: 'settings.edit' } }, async (request) =>
    saveTheme(store, parseBody(themeSchema, request.body)),
  );
  app.delete('/api/v1/dashboards/:id', edit, async (request, reply) => {
    await dashboards.remove(store, parseBody(idSchema, request.params).id);
    return reply.code(204).send();
  });
}
