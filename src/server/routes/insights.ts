import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { episodes, explain, scanAnomalies } from '../../insights/index.js';
import { resolveScope } from '../../metrics/index.js';
import { ZhongtaiError } from '../../model/index.js';
import type { Engine } from '../../warehouse/index.js';
import { scopeOf } from '../auth.js';
import { parseBody } from '../body.js';
import { needs } from '../openapi.js';

const feedSchema = z
  .object({
    days: z.coerce.number().int().min(1).max(31).default(7),
    to: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day YYYY-MM-DD')
      .optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    /** How many of the leading insights carry their explanation (each is a few more queries). */
    explain: z.coerce.number().int().min(0).max(20).default(5),
    z: z.coerce.number().min(2).max(20).optional(),
  })
  .strict();

/**
 * The insights feed (智能洞察) over HTTP: the scan's episodes in the caller's stores, largest money first, the first
 * few explained with the caller's grants. The expected ranges are read against the whole chain (a store's peers);
 * only the caller's stores are named, and every explanation is cut from the caller's own rows.
 */
export function insightRoutes(app: FastifyInstance, engine: Engine): void {
  app.get(
    '/api/v1/insights/anomalies',
    needs('data.read', {
      summary: 'Anomalies of the last days, per store, largest money first, with why 智能洞察',
      query: feedSchema,
      answers: {
        '200':
          'from, to, insights: store, storeCode, region, format, from, to, lead (kpi, actual, expected, low, high, direction, score, impact), days, impact, why (summary, ratio, dimensions)',
      },
    }),
    async (request) => {
      const q = parseBody(feedSchema, request.query);
      const scope = scopeOf(request);
      const resolved = await resolveScope(engine, scope);
      if (resolved.supplierIds)
        throw new ZhongtaiError('FORBIDDEN', {
          en: 'Insights are about whole stores; a supplier’s grant covers products only',
          zh: '智能洞察按整店判断，供应商授权仅限商品',
        });
      const found = (
        await scanAnomalies(engine, {
          days: q.days,
          ...(q.to ? { to: q.to } : {}),
          ...(q.z ? { z: q.z } : {}),
        })
      ).filter((a) => resolved.storeIds === null || resolved.storeIds.includes(a.storeId));
      const insights = episodes(found).slice(0, q.limit);
      for (const insight of insights.slice(0, q.explain)) insight.why = await explain(engine, insight, scope);
      const dates = found.map((a) => a.date).sort();
      return { from: dates[0] ?? null, to: dates.at(-1) ?? null, insights };
    },
  );
}
