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
  saveTheme,
  themeSchema,
} from '../../appstore/index.js';
import { parseBody } from '../body.js';

const idSchema = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const tokenSchema = z.object({ token: z.string().min(1).max(4096) });

/** Dashboards (看板), embed links and the theme: what the web app keeps in the application store. */
export function dashboardRoutes(app: FastifyInstance, store: AppStore): void {
  app.get('/api/v1/dashboards', async () => ({ dashboards: await dashboards.list(store) }));
  app.post('/api/v1/dashboards', async (request, reply) => {
    const created = await dashboards.create(store, parseBody(dashboardInputSchema, request.body));
    return reply.code(201).send(created);
  });
  app.get('/api/v1/dashboards/:id', async (request) =>
    dashboards.get(store, parseBody(idSchema, request.params).id),
  );
  app.put('/api/v1/dashboards/:id', async (request) =>
    dashboards.replace(
      store,
      parseBody(idSchema, request.params).id,
      parseBody(dashboardInputSchema, request.body),
    ),
  );
  // 无缝集成: a signed, expiring link to a dashboard with fixed filters, and what such a link shows.
  app.post('/api/v1/embed', async (request, reply) => {
    const link = await createEmbedLink(store, parseBody(embedRequestSchema, request.body));
    return reply.code(201).send(link);
  });
  app.get('/api/v1/embed/:token', async (request) =>
    openEmbedLink(store, parseBody(tokenSchema, request.params).token),
  );
  app.get('/api/v1/settings/theme', async () => readTheme(store));
  app.put('/api/v1/settings/theme', async (request) =>
    saveTheme(store, parseBody(themeSchema, request.body)),
  );
  app.delete('/api/v1/dashboards/:id', async (request, reply) => {
    await dashboards.remove(store, parseBody(idSchema, request.params).id);
    return reply.code(204).send();
  });
}
