import { z } from 'zod';
import { ENSEMBLE, MODELS } from './models.js';
import { LEVELS } from './run.js';

/** The body of POST /api/v1/forecast; the CLI's options mean the same. */
export const forecastRequestSchema = z
  .object({
    level: z
      .enum(LEVELS)
      .default('store')
      .describe('what to forecast: store, category (store × category) or store-sku (store × SKU)'),
    horizon: z.number().int().min(1).max(366).default(42).describe('days to forecast'),
    from: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional()
      .describe('first day to forecast; default: the day after the last sales'),
    model: z.enum(MODELS).default('gbt'),
    rounds: z.number().int().min(1).max(5000).optional().describe('trees in the boosted model'),
    members: z
      .number()
      .int()
      .min(1)
      .max(ENSEMBLE.length)
      .optional()
      .describe('members of the tree ensemble (default all; 1 is faster, a little less accurate)'),
  })
  .strict();

export type ForecastRequest = z.output<typeof forecastRequestSchema>;
