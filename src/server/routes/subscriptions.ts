import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Channels, Subscriptions } from '../../alerts/index.js';
import { type AppStore, recordAudit } from '../../appstore/index.js';
import { subscriptionInputSchema } from '../../contract/index.js';
import { callerOf, clientIp } from '../auth.js';
import { parseBody } from '../body.js';
import { needs } from '../openapi.js';

const idSchema = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const idOf = (request: FastifyRequest) => parseBody(idSchema, request.params).id;

/** Subscriptions over HTTP (订阅): a dashboard or a tile on a schedule, to people by their channels; audited. */
export function subscriptionRoutes(
  app: FastifyInstance,
  subscriptions: Subscriptions,
  channels: Channels,
  store: AppStore,
): void {
  const manage = (summary: string, answers: string, extra: object = {}) =>
    needs('alerts.manage', { summary, answers: { '200': answers }, ...extra });
  const audit = (request: FastifyRequest, target: string, detail: Record<string, unknown>) =>
    recordAudit(store, {
      actor: callerOf(request).username,
      action: 'alerts.subscription',
      target,
      detail,
      ip: clientIp(request),
    });

  app.get('/api/v1/subscriptions', manage('Subscriptions 订阅', 'subscriptions'), async () => ({
    subscriptions: await subscriptions.list(),
  }));
  app.post(
    '/api/v1/subscriptions',
    manage('Subscribe people to a dashboard or a tile 新建订阅', 'the subscription', {
      body: subscriptionInputSchema,
    }),
    async (request) => {
      const saved = await subscriptions.save(request.body as never, callerOf(request));
      await audit(request, String(saved.id), { name: saved.name, dashboard: saved.dashboardId });
      return saved;
    },
  );
  app.put(
    '/api/v1/subscriptions/:id',
    manage('Change a subscription 修改订阅', 'the subscription', {
      body: subscriptionInputSchema,
      numericParams: ['id'],
      notFound: 'No such subscription',
    }),
    async (request) => {
      const saved = await subscriptions.save(request.body as never, callerOf(request), idOf(request));
      await audit(request, String(saved.id), { name: saved.name, changed: true });
      return saved;
    },
  );
  app.delete(
    '/api/v1/subscriptions/:id',
    manage('Delete a subscription 删除订阅', 'deleted: true', {
      numericParams: ['id'],
      notFound: 'No such subscription',
    }),
    async (request) => {
      const id = idOf(request);
      await subscriptions.remove(id);
      await audit(request, String(id), { deleted: true });
      return { deleted: true };
    },
  );
  app.post(
    '/api/v1/subscriptions/:id/run',
    manage('Send a subscription now 立即发送', 'queued, pictured, skipped', {
      numericParams: ['id'],
      notFound: 'No such subscription',
    }),
    async (request) => {
      const id = idOf(request);
      const run = await subscriptions.run(id);
      await channels.deliverDue();
      await audit(request, String(id), { sentNow: true, queued: run.queued });
      return run;
    },
  );
}
