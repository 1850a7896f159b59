import type { FastifyInstance } from 'fastify';
import { forecastRequestSchema, forecastRuns, forecastSales } from '../../insights/index.js';
import type { DuckDbEngine } from '../../warehouse/index.js';
import { parseBody } from '../body.js';

/** POST /api/v1/forecast: trains on the warehouse's history and answers P10/P50/P90 per series (store, store × category, store × SKU) and day. */
export function forecastRoutes(app: FastifyInstance, engine: DuckDbEngine): void {
  app.post('/api/v1/forecast', async (request) => {
    const { rounds, ...options } = parseBody(forecastRequestSchema, request.body);
    return forecastSales(engine, { ...options, ...(rounds ? { boost: { rounds } } : {}) });
  });
  app.get('/api/v1/forecast/runs', async () => ({ runs: await forecastRuns(engine) }));
}
