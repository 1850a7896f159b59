import type { FastifyInstance } from 'fastify';
import { dataRange } from '../../metrics/index.js';
import type { Engine } from '../../warehouse/index.js';

export function healthRoutes(app: FastifyInstance, engine: Engine): void {
  // For load balancers and monitors: up or not, nothing about the data.
  app.get('/api/v1/health/live', { config: { public: true } }, async () => ({ status: 'ok' }));
  app.get('/api/v1/health', { config: { permission: 'data.read' } }, async () => ({
    status: 'ok',
    engine: engine.name,
    schemaVersion: await engine.schemaVersion(),
    dataRange: await dataRange(engine),
  }));
}
