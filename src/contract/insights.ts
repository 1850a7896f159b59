import { z } from 'zod';

/** Forecasting and replenishment, as the API takes them; the CLI's options mean the same. */
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** store: per store; category: per store × category (level 1); store-sku: per store × SKU. */
export const FORECAST_LEVELS = ['store', 'category', 'store-sku'] as const;
export const FORECAST_MODELS = ['gbt', 'ets', 'median_8', 'seasonal_naive'] as const;
/** Members of the boosted-tree ensemble, each seeing other feature groups. */
export const ENSEMBLE_MEMBERS = 3;

export const forecastRequestSchema = z
  .object({
    level: z
      .enum(FORECAST_LEVELS)
      .default('store')
      .describe('what to forecast: store, category (store × category) or store-sku (store × SKU)'),
    horizon: z.number().int().min(1).max(366).default(42).describe('days to forecast'),
    from: isoDay.optional().describe('first day to forecast; default: the day after the last sales'),
    model: z.enum(FORECAST_MODELS).default('gbt'),
    rounds: z.number().int().min(1).max(5000).optional().describe('trees in the boosted model'),
    members: z
      .number()
      .int()
      .min(1)
      .max(ENSEMBLE_MEMBERS)
      .optional()
      .describe('members of the tree ensemble (default all; 1 is faster, a little less accurate)'),
  })
  .strict();

/** How the product orders unless told otherwise: delivered the next morning, ordered daily, 95% served. */
export const REPLENISH_DEFAULTS = { leadTime: 1, reviewPeriod: 1, serviceLevel: 0.95 } as const;

export const replenishRequestSchema = z
  .object({
    date: isoDay.optional().describe('the evening the orders are placed; default: the last day with sales'),
    serviceLevel: z
      .number()
      .gt(0)
      .lt(1)
      .default(REPLENISH_DEFAULTS.serviceLevel)
      .describe('share of demand served from stock'),
    leadTime: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(REPLENISH_DEFAULTS.leadTime)
      .describe('days from order to delivery'),
    reviewPeriod: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(REPLENISH_DEFAULTS.reviewPeriod)
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

export type ForecastRequest = z.output<typeof forecastRequestSchema>;
export type ReplenishRequest = z.output<typeof replenishRequestSchema>;
