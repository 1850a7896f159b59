import type { FastifyInstance } from 'fastify';
import { dataRange } from '../../metrics/index.js';
import type { Engine } from '../../warehouse/index.js';
import { anyone, needs } from '../openapi.js';

export function healthRoutes(app: FastifyInstance, engine: Engine): void {
  // For load balancers and monitors: up or not, nothing about the data.
  app.get(
    '/api/v1/health/live',
    anyone({
      summary: 'Liveness for load balancers (no sign-in) 存活检查',
      answers: { '200': '{ status: ok }' },
    }),
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/api/v1/health',
    needs('data.read', {
      summary: 'Health, engine, schema version and data range 服务状态',
      answers: {
        '200': 'status, engine, schemaVersion, dataRange { from, to } (null on an empty warehouse)',
      },
    }),
    async () => ({
      status: 'ok',
      engine: engine.name,
      schemaVersion: await engine.schemaVersion(),
      dataRange: await dataRange(engine),
    }),
  );
}
