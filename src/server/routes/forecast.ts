import type { FastifyInstance } from 'fastify';
import { forecastRequestSchema, forecastSales } from '../../insights/index.js';
import { ZhongtaiError } from '../../model/index.js';
import type { DuckDbEngine } from '../../warehouse/index.js';

/** POST /api/v1/forecast: trains on the warehouse's history and answers P10/P50/P90 per series (store, store × category, store × SKU) and day. */
export function forecastRoutes(app: FastifyInstance, engine: DuckDbEngine): void {
  app.post('/api/v1/forecast', async (request) => {
    const parsed = forecastRequestSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || 'body';
      throw new ZhongtaiError(
        'BAD_REQUEST',
        {
          en: `${where}: ${issue?.message ?? 'invalid'}`,
          zh: `${where}：请求不合法（${issue?.message ?? ''}）`,
        },
        { field: where },
      );
    }
    const { rounds, ...options } = parsed.data;
    return forecastSales(engine, { ...options, ...(rounds ? { boost: { rounds } } : {}) });
  });
}
