import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppStore } from '../../appstore/index.js';
import { recordAudit } from '../../appstore/index.js';
import { audienceInputSchema, audienceRuleSchema } from '../../contract/index.js';
import {
  audienceMembers,
  createAudience,
  deleteAudience,
  getAudience,
  listAudiences,
  previewAudience,
  refreshAudience,
} from '../../insights/index.js';
import type { MemberCenter } from '../../members/index.js';
import { csvLines } from '../../model/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { callerOf, clientIp } from '../auth.js';
import { parseBody } from '../body.js';
import { needs } from '../openapi.js';
import { memberStores } from './member-analytics.js';

const idSchema = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const previewSchema = z.object({ rule: audienceRuleSchema }).strict();
const idOf = (request: FastifyRequest) => parseBody(idSchema, request.params).id;

/**
 * Audiences (人群圈选) over HTTP: build a rule with a live count, save it as a member list refreshed daily, export
 * it for a campaign — phones masked unless the reader holds members.pii, each export in the audit log. A caller
 * sees and builds audiences within his stores only.
 */
export function audienceRoutes(
  app: FastifyInstance,
  engine: Warehouse,
  center: MemberCenter,
  store: AppStore,
): void {
  const doc = (summary: string, answers: string, extra: object = {}) =>
    needs('members.read', { summary, answers: { '200': answers }, ...extra });

  app.get(
    '/api/v1/audiences',
    doc('Saved audiences within your stores 人群列表', 'audiences'),
    async (request) => ({
      audiences: await listAudiences(engine, await memberStores(engine, request)),
    }),
  );

  app.post(
    '/api/v1/audiences/preview',
    doc('How many members a rule holds, without saving it 人群预估', 'members', { body: previewSchema }),
    async (request) => {
      const { rule } = parseBody(previewSchema, request.body);
      return { members: await previewAudience(engine, rule, await memberStores(engine, request)) };
    },
  );

  app.post(
    '/api/v1/audiences',
    doc('Save a rule as an audience and list its members now 保存人群', 'the audience with its size', {
      body: audienceInputSchema,
    }),
    async (request, reply) => {
      const input = parseBody(audienceInputSchema, request.body);
      const audience = await createAudience(
        engine,
        input,
        callerOf(request).username,
        await memberStores(engine, request),
      );
      return reply.code(201).send(audience);
    },
  );

  app.post(
    '/api/v1/audiences/:id/refresh',
    doc('List an audience’s members again from its rule 刷新人群', 'the audience', {
      numericParams: ['id'],
      notFound: 'No such audience within your stores',
    }),
    async (request) => refreshAudience(engine, idOf(request), await memberStores(engine, request)),
  );

  app.delete(
    '/api/v1/audiences/:id',
    doc('Delete an audience 删除人群', 'nothing (204)', {
      numericParams: ['id'],
      notFound: 'No such audience',
    }),
    async (request, reply) => {
      await deleteAudience(engine, idOf(request), await memberStores(engine, request));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/audiences/:id/export',
    doc(
      'An audience’s members as CSV, phones masked unless you hold members.pii 导出人群',
      'text/csv: member, member_code, phone, store, tier, rfm_segment, clv_band, expected_value',
      { numericParams: ['id'], notFound: 'No such audience within your stores' },
    ),
    async (request, reply) => {
      const id = idOf(request);
      const stores = await memberStores(engine, request);
      const caller = callerOf(request);
      const audience = await getAudience(engine, id, stores);
      const members = await audienceMembers(engine, id, stores);
      const pii = caller.permissions.has('members.pii');
      const phones = await center.phones(
        members.flatMap((m) => (m.code ? [m.code] : [])),
        pii,
      );
      await recordAudit(store, {
        actor: caller.username,
        action: 'export',
        target: `audience:${id}`,
        detail: { audience: audience.name, rows: members.length, phones: pii ? 'full' : 'masked' },
        ip: clientIp(request),
      });
      const header = [
        'member',
        'member_code',
        'phone',
        'store',
        'tier',
        'rfm_segment',
        'clv_band',
        'expected_value',
      ];
      const rows = members.map((m) => [
        m.member,
        m.code ?? '',
        (m.code && phones.get(m.code)) ?? '',
        m.store ?? '',
        m.tier ?? '',
        m.segment ?? '',
        m.band ?? '',
        m.expectedValue ?? '',
      ]);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audience-${id}.csv"`)
        .send(`\uFEFF${csvLines([header, ...rows])}`);
    },
  );
}
