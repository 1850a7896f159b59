import type { FastifyInstance } from 'fastify';
import { catalogDocument } from '../../metrics/index.js';
import { needs } from '../openapi.js';

export function catalogRoutes(app: FastifyInstance): void {
  const document = catalogDocument();
  app.get(
    '/api/v1/catalog',
    needs('data.read', {
      summary: 'Metrics and dimensions with zh-CN/en labels 指标与维度目录',
      answers: {
        '200':
          'metrics: id, label, description, unit, higherIsBetter, additive, dimensions; dimensions: id, label, group, child, values',
      },
    }),
    async () => document,
  );
}
