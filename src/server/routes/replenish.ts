import type { FastifyInstance } from 'fastify';
import {
  DEFAULT_POLICY,
  lastSalesDay,
  replenishRequestSchema,
  type Suggestion,
  suggestOrders,
} from '../../insights/index.js';
import { grantedSkus, resolveScope } from '../../metrics/index.js';
import { keptUntilWrite, type Warehouse } from '../../warehouse/index.js';
import { scopeOf } from '../auth.js';
import { parseBody } from '../body.js';
import { needs } from '../openapi.js';

type Policy = typeof DEFAULT_POLICY;
const kept = keptUntilWrite<Suggestion[]>(20);

/**
 * Every store's suggestions for a day and policy, computed once and kept until the warehouse changes: each
 * visit of the forecast page, by anyone, is then a filter of the same list (10–21 s each visit before).
 * Calls that arrive while it is computed share the one computation.
 */
function everyStore(engine: Warehouse, day: string, policy: Policy): Promise<Suggestion[]> {
  return kept(engine, JSON.stringify([day, policy]), () => suggestOrders(engine, day, policy));
}

/** POST /api/v1/replenish: order suggestions per store × SKU (以销定采), the costliest orders first, within the caller's grants. */
export function replenishRoutes(app: FastifyInstance, engine: Warehouse): void {
  app.post(
    '/api/v1/replenish',
    needs('data.read', {
      summary: 'Order suggestions per store × SKU from forecast sales, largest first 补货建议（以销定采）',
      body: replenishRequestSchema,
      bodyOptional: true,
      answers: {
        '200':
          'date, series (store × SKU lines considered), toOrder, orderCost (CNY at cost), rows (costliest first): store, storeName, sku, name, category, onHand, onOrder, demand, safety, order, packs, orderCost, shelfLife',
      },
    }),
    async (request) => {
      const { date, stores, limit, ...policy } = parseBody(replenishRequestSchema, request.body);
      const scope = await resolveScope(engine, scopeOf(request));
      const granted = scope.storeIds ? new Set(scope.storeIds) : null;
      const asked = granted ? (stores ?? [...granted]).filter((s) => granted.has(s)) : stores;
      const day = date ?? (await lastSalesDay(engine));
      // No granted store asked: nothing (an empty list would read as "every store" further down).
      const wanted = asked ? new Set(asked) : null;
      let suggestions =
        wanted?.size === 0
          ? []
          : (await everyStore(engine, day, { ...DEFAULT_POLICY, ...policy })).filter(
              (s) => !wanted || wanted.has(s.store),
            );
      // A supplier sees its own products' orders: the grant's rule of the metric layer, not one of its own.
      const skus = await grantedSkus(engine, scope);
      if (skus) suggestions = suggestions.filter((s) => skus.has(s.sku));
      const orders = suggestions.filter((s) => s.order > 0).sort((a, b) => b.orderCost - a.orderCost);
      const cost = orders.reduce((sum, s) => sum + s.orderCost, 0);
      return {
        date: day,
        series: suggestions.length,
        toOrder: orders.length,
        orderCost: Math.round(cost * 100) / 100,
        rows: orders.slice(0, limit),
      };
    },
  );
}
