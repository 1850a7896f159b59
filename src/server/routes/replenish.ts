import type { FastifyInstance } from 'fastify';
import { DEFAULT_POLICY, lastSalesDay, replenishRequestSchema, suggestOrders } from '../../insights/index.js';
import type { DuckDbEngine } from '../../warehouse/index.js';
import { parseBody } from '../body.js';

/** POST /api/v1/replenish: order suggestions per store × SKU (以销定采), the costliest orders first. */
export function replenishRoutes(app: FastifyInstance, engine: DuckDbEngine): void {
  app.post('/api/v1/replenish', async (request) => {
    const { date, stores, limit, ...policy } = parseBody(replenishRequestSchema, request.body);
    const day = date ?? (await lastSalesDay(engine));
    const suggestions = await suggestOrders(engine, day, { ...DEFAULT_POLICY, ...policy }, stores);
    const orders = suggestions.filter((s) => s.order > 0).sort((a, b) => b.orderCost - a.orderCost);
    const cost = orders.reduce((sum, s) => sum + s.orderCost, 0);
    return {
      date: day,
      series: suggestions.length,
      toOrder: orders.length,
      orderCost: Math.round(cost * 100) / 100,
      rows: orders.slice(0, limit),
    };
  });
}
