import { z } from 'zod';
import { DEFAULT_POLICY } from './policy.js';

/** The body of POST /api/v1/replenish; `zhongtai replenish` takes the same settings as options. */
export const replenishRequestSchema = z
  .object({
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional()
      .describe('the evening the orders are placed; default: the last day with sales'),
    serviceLevel: z
      .number()
      .gt(0)
      .lt(1)
      .default(DEFAULT_POLICY.serviceLevel)
      .describe('share of demand served from stock'),
    leadTime: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(DEFAULT_POLICY.leadTime)
      .describe('days from order to delivery'),
    reviewPeriod: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(DEFAULT_POLICY.reviewPeriod)
      .describe('days between orders'),
    stores: z.array(z.number().int()).max(10_000).optional().describe('only these stores'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(200)
      .describe('lines to return, costliest orders first'),
  })
  .strict();

export type ReplenishRequest = z.output<typeof replenishRequestSchema>;
