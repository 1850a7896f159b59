import type { FastifyInstance } from 'fastify';
import { catalogDocument } from '../../metrics/index.js';

export function catalogRoutes(app: FastifyInstance): void {
  const document = catalogDocument();
  app.get('/api/v1/catalog', { config: { permission: 'data.read' } }, async () => document);
}
