import type { FastifyInstance } from 'fastify';
import { DEFAULT_POLICY, lastSalesDay, replenishRequestSchema, suggestOrders } from '../../insights/index.js';
import { resolveScope } from '../../metrics/index.js';
import type { DuckDbEngine } from '../../warehouse/index.js';
import { scopeOf } from '../auth.js';
import { parseBody } from '../body.js';

/** POST /api/v1/replenish: order suggestions per store × SKU (以销定采), the costliest orders first, within the caller's grants. */
export function replenishRoutes(app: FastifyInstance, engine: DuckDbEngine): void {
  app.post('/api/v1/replenish', { config: { permission: 'data.read' } }, async (request) => {
    const { date, stores, limit, ...policy } = parseBody(replenishRequestSchema, request.body);
    const scope = await resolveScope(engine, scopeOf(request));
    const granted = scope.storeIds ? new Set(scope.storeIds) : null;
    const asked = granted ? (stores ?? [...granted]).filter((s) => granted.has(s)) : stores;
    const day = date ?? (await lastSalesDay(engine));
    // No granted store asked: nothing (an empty list would read as "every store" further down).
    let suggestions =
      asked && asked.length === 0
        ? []
        : await suggestOrders(engine, day, { ...DEFAULT_POLICY, ...policy }, asked);
    if (scope.supplierIds) {
      const rows = await engine.query(
        `SELECT sku FROM product WHERE supplier_id IN (${scope.supplierIds.map(() => '?').join(',') || 'NULL'})`,
        scope.supplierIds,
      );
      const skus = new Set(rows.map((r) => Number(r.sku)));
      suggestions = suggestions.filter((s) => skus.has(s.sku));
    }
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
