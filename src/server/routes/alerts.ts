import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type AlertRules, CHANNEL_KINDS, type Channels } from '../../alerts/index.js';
import { type AppStore, recordAudit } from '../../appstore/index.js';
import { alertRuleInputSchema } from '../../contract/index.js';
import { callerOf, clientIp } from '../auth.js';
import { parseBody } from '../body.js';
import { needs } from '../openapi.js';

const idSchema = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const channelInputSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    kind: z.enum(CHANNEL_KINDS as [string, ...string[]]),
    settings: z.record(z.string(), z.unknown()).default({}),
    secret: z.record(z.string(), z.unknown()).default({}),
    perMinute: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();
const muteSchema = z
  .object({
    hours: z
      .number()
      .min(0)
      .max(24 * 90),
  })
  .strict();
const snoozeSchema = z
  .object({
    username: z.string().min(1).max(64),
    groupKey: z.string().min(2).max(2000),
    hours: z
      .number()
      .positive()
      .max(24 * 30),
  })
  .strict();
const idOf = (request: FastifyRequest) => parseBody(idSchema, request.params).id;

/**
 * Alerts over HTTP (预警): channels (secrets accepted, never returned), a test message, the delivery log, rules with
 * a run on demand and muting. Changes are audited.
 */
export function alertRoutes(
  app: FastifyInstance,
  channels: Channels,
  rules: AlertRules,
  store: AppStore,
): void {
  const audit = (
    request: FastifyRequest,
    action: 'alerts.channel' | 'alerts.rule',
    target: string,
    detail = {},
  ) =>
    recordAudit(store, { actor: callerOf(request).username, action, target, detail, ip: clientIp(request) });
  const manage = (summary: string, answers: string, extra: object = {}) =>
    needs('alerts.manage', { summary, answers: { '200': answers }, ...extra });

  app.get(
    '/api/v1/alerts/channels',
    manage('Channels, without their secrets 通知渠道', 'channels'),
    async () => ({
      channels: await channels.list(),
    }),
  );
  app.post(
    '/api/v1/alerts/channels',
    manage('Add or replace a channel (email, wecom, dingtalk, feishu, webhook) 保存通知渠道', 'the channel', {
      body: channelInputSchema,
    }),
    async (request) => {
      const input = parseBody(channelInputSchema, request.body);
      const saved = await channels.save(
        { ...input, kind: input.kind as (typeof CHANNEL_KINDS)[number] },
        callerOf(request).username,
      );
      await audit(request, 'alerts.channel', saved.name, { kind: saved.kind });
      return saved;
    },
  );
  app.post(
    '/api/v1/alerts/channels/:id/test',
    manage('Send a test message now 发送测试消息', 'the delivery: sent, or its error', {
      numericParams: ['id'],
      notFound: 'No such channel',
    }),
    async (request) => {
      const id = idOf(request);
      const channel = await channels.get(id);
      const key = `test:${id}:${Date.now()}`;
      await channels.enqueue(id, key, {
        title: '【测试】zhongtai 中台',
        text: `这是一条测试消息，来自 ${callerOf(request).username}。 / A test message.`,
      });
      await channels.deliverDue();
      const delivery = (await channels.deliveries(20)).find((d) => d.channel === channel.name);
      return { delivery };
    },
  );
  app.get(
    '/api/v1/alerts/deliveries',
    manage('The delivery log, newest first 发送记录', 'deliveries'),
    async () => ({
      deliveries: await channels.deliveries(200),
    }),
  );
  app.get('/api/v1/alerts/rules', manage('Alert rules 预警规则', 'rules'), async () => ({
    rules: await rules.list(),
  }));
  app.post(
    '/api/v1/alerts/rules',
    manage('Add an alert rule (checked against the catalogue) 新建预警规则', 'the rule', {
      body: alertRuleInputSchema,
    }),
    async (request) => {
      const rule = await rules.save(request.body as never, callerOf(request).username);
      await audit(request, 'alerts.rule', String(rule.id), { name: rule.name });
      return rule;
    },
  );
  app.post(
    '/api/v1/alerts/rules/:id/run',
    manage(
      'Evaluate a rule now and send what it finds 立即评估',
      'opened, stillOpen, recovered, queued, skipped',
      {
        numericParams: ['id'],
        notFound: 'No such rule',
      },
    ),
    async (request) => {
      const result = await rules.evaluate(idOf(request));
      await channels.deliverDue();
      return result;
    },
  );
  app.post(
    '/api/v1/alerts/rules/preview',
    manage(
      'What a rule would find today for you, sent nowhere 预览规则',
      'rows: label, value, detail, period',
      {
        body: alertRuleInputSchema,
      },
    ),
    async (request) => ({ rows: await rules.preview(request.body as never, callerOf(request).username) }),
  );
  app.put(
    '/api/v1/alerts/rules/:id',
    manage('Change an alert rule 修改预警规则', 'the rule', {
      body: alertRuleInputSchema,
      numericParams: ['id'],
      notFound: 'No such rule',
    }),
    async (request) => {
      const rule = await rules.save(request.body as never, callerOf(request).username, idOf(request));
      await audit(request, 'alerts.rule', String(rule.id), { name: rule.name, changed: true });
      return rule;
    },
  );
  app.get(
    '/api/v1/alerts/rules/:id/history',
    manage('A rule’s breaches opened and recovered, newest first, with why 预警历史', 'events', {
      numericParams: ['id'],
      notFound: 'No such rule',
    }),
    async (request) => {
      const id = idOf(request);
      await rules.get(id);
      return { events: await rules.history(id) };
    },
  );
  app.post(
    '/api/v1/alerts/rules/:id/snooze',
    manage('Snooze one open breach for some hours 暂缓提醒', 'snoozed: true, or false when it is not open', {
      body: snoozeSchema,
      numericParams: ['id'],
      notFound: 'No such rule',
    }),
    async (request) => {
      const { username, groupKey, hours } = parseBody(snoozeSchema, request.body);
      const id = idOf(request);
      await rules.get(id);
      const snoozed = await rules.snooze(id, username, groupKey, new Date(Date.now() + hours * 3_600_000));
      await audit(request, 'alerts.rule', String(id), { snoozed: groupKey, username, hours });
      return { snoozed };
    },
  );
  app.post(
    '/api/v1/alerts/rules/:id/mute',
    manage('Mute a rule for some hours (0: unmute) 静默', 'the rule', {
      body: muteSchema,
      numericParams: ['id'],
      notFound: 'No such rule',
    }),
    async (request) => {
      const { hours } = parseBody(muteSchema, request.body);
      const id = idOf(request);
      const rule = await rules.mute(id, hours > 0 ? new Date(Date.now() + hours * 3_600_000) : null);
      await audit(request, 'alerts.rule', String(id), { mutedHours: hours });
      return rule;
    },
  );
}
