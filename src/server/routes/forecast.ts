import type { FastifyInstance } from 'fastify';
import { forecastRequestSchema, forecastRuns, forecastSales } from '../../insights/index.js';
import { ZhongtaiError } from '../../model/index.js';
import type { DuckDbEngine } from '../../warehouse/index.js';
import { callerOf } from '../auth.js';
import { parseBody } from '../body.js';

/** POST /api/v1/forecast: trains on the warehouse's history and answers P10/P50/P90 per series (store, store × category, store × SKU) and day. */
export function forecastRoutes(app: FastifyInstance, engine: DuckDbEngine): void {
  app.post('/api/v1/forecast', { config: { permission: 'forecast.run' } }, async (request) => {
    // A global model learns from every store and answers for every store: only a caller who may read all.
    if (!callerOf(request).scope.all)
      throw new ZhongtaiError('FORBIDDEN', {
        en: 'Training a forecast reads every store; ask an analyst. Your forecasts show in the catalogue metrics.',
        zh: '训练预测需要读取全部门店数据，请联系数据分析师；您可在指标中查看权限范围内的预测',
      });
    const { rounds, ...options } = parseBody(forecastRequestSchema, request.body);
    return forecastSales(engine, { ...options, ...(rounds ? { boost: { rounds } } : {}) });
  });
  // Which runs exist (level, origin, model): no store's figures.
  app.get('/api/v1/forecast/runs', { config: { permission: 'data.read' } }, async () => ({
    runs: await forecastRuns(engine),
  }));
}
