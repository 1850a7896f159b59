import type { FastifyInstance } from 'fastify';
import { drillRows, runQuery } from '../../metrics/index.js';
import type { Engine } from '../../warehouse/index.js';

export function queryRoutes(app: FastifyInstance, engine: Engine): void {
  // The body is checked by the metric service's own schema, so the CLI and the API refuse the same things.
  app.post('/api/v1/query', async (request) => runQuery(engine, request.body));
  // Drill-through: the sales lines behind a number, filtered the same way.
  app.post('/api/v1/drill', async (request) => drillRows(engine, request.body));
}
