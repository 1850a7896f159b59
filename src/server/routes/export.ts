import type { FastifyInstance } from 'fastify';
import { type AppStore, recordAudit } from '../../appstore/index.js';
import { exportRequestSchema } from '../../contract/index.js';
import { type QueryBudget, runQuery } from '../../metrics/index.js';
import { csvLines } from '../../model/index.js';
import type { Engine } from '../../warehouse/index.js';
import { callerOf, clientIp, scopeOf } from '../auth.js';
import { parseBody } from '../body.js';
import { needs } from '../openapi.js';
import { withEmbedFilters } from './query.js';

/**
 * POST /api/v1/export: an answer taken out of the platform (CSV, or JSON the web app turns into CSV and
 * Excel). Within the caller's grants like every query, and written to the audit log: who took what.
 */
export function exportRoutes(
  app: FastifyInstance,
  engine: Engine,
  store: AppStore,
  budget: QueryBudget,
): void {
  app.post(
    '/api/v1/export',
    needs('data.export', {
      summary: 'Export an answer as JSON or CSV, within your grants, audited 导出',
      description:
        'CSV as UTF-8 with a byte-order mark (Excel reads it), cells a spreadsheet would run as a formula written as text.',
      body: exportRequestSchema,
      answers: { '200': 'The answer (JSON as /query answers, or text/csv)' },
      limited: true,
    }),
    async (request, reply) => {
      const body = parseBody(exportRequestSchema, request.body);
      const result = await runQuery(engine, withEmbedFilters(request, body.query), {
        scope: scopeOf(request),
        budget,
      });
      await recordAudit(store, {
        actor: callerOf(request).username,
        action: 'export',
        target: body.title ?? body.query.metrics.join(','),
        detail: {
          format: body.format,
          metrics: body.query.metrics,
          dimensions: body.query.dimensions,
          filters: body.query.filters,
          rows: result.rows.length,
        },
        ip: clientIp(request),
      });
      if (body.format === 'json') return result;
      const header = result.columns.map((c) => c.label.zh);
      const lines = result.rows.map((row) => result.columns.map((c) => row[c.id]));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="zhongtai-export.csv"')
        .send(`\uFEFF${csvLines([header, ...lines])}`);
    },
  );
}
