import type { FastifyInstance, FastifyRequest } from 'fastify';
import { drillRows, runQuery } from '../../metrics/index.js';
import type { Engine } from '../../warehouse/index.js';
import { scopeOf } from '../auth.js';

/** An embedded dashboard's fixed filters join whatever filters its page sends; the page cannot drop them. */
export function withEmbedFilters(request: FastifyRequest, body: unknown): unknown {
  const fixed = request.embedFilters;
  if (!fixed?.length || typeof body !== 'object' || body === null) return body;
  const own = (body as { filters?: unknown }).filters;
  return {
    ...body,
    filters: [
      ...(Array.isArray(own) ? own : []),
      ...fixed.map((f) => ({ dimension: f.dimension, op: 'eq', value: f.value })),
    ],
  };
}

export function queryRoutes(app: FastifyInstance, engine: Engine): void {
  const read = { config: { permission: 'data.read' as const } };
  // The body is checked by the metric service's own schema, so the CLI and the API refuse the same things;
  // the caller's grants filter every row read.
  app.post('/api/v1/query', read, async (request) =>
    runQuery(engine, withEmbedFilters(request, request.body), { scope: scopeOf(request) }),
  );
  // Drill-through: the sales lines behind a number, filtered the same way.
  app.post('/api/v1/drill', read, async (request) =>
    drillRows(engine, withEmbedFilters(request, request.body), scopeOf(request)),
  );
}
