import type { FastifyInstance } from 'fastify';
import { dataRange } from '../../metrics/index.js';
import type { Engine } from '../../warehouse/index.js';

export function healthRoutes(app: FastifyInstance, engine: Engine): void {
  app.get('/api/v1/health', async () => ({
    status: 'ok',
    engine: engine.name,
    schemaVersion: await engine.schemaVersion(),
    dataRange: await dataRange(engine),
  }));
}
