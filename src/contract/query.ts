import { z } from 'zod';

/**
 * The query the API, the CLI and the web app ask: metrics × dimensions over a period, filtered, compared,
 * ordered. The server parses with it (metrics/query.ts); the web app types its requests by it, types only.
 */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'not a real date',
  );

const scalar = z.union([z.string().max(200), z.number().finite(), z.boolean()]);

export const filterSchema = z
  .object({
    dimension: z.string().max(64),
    op: z.enum(['eq', 'neq', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'between', 'contains']).default('eq'),
    value: scalar.optional(),
    values: z.array(scalar).max(1000).optional(),
  })
  .strict();

export const timeRangeSchema = z.object({ from: isoDate, to: isoDate }).strict();

export const COMPARE_MODES = ['yoy', 'mom', 'wow', 'previous', 'yoy_weekday'] as const;

export const querySchema = z
  .object({
    metrics: z.array(z.string().max(64)).min(1).max(30),
    dimensions: z.array(z.string().max(64)).max(8).default([]),
    filters: z.array(filterSchema).max(50).default([]),
    timeRange: timeRangeSchema.optional(),
    grain: z.enum(['hour', 'day', 'week', 'month', 'quarter', 'year']).optional(),
    compare: z.union([z.enum(COMPARE_MODES), timeRangeSchema]).optional(),
    order: z
      .array(z.object({ by: z.string().max(64), desc: z.boolean().default(false) }).strict())
      .max(8)
      .default([]),
    limit: z.number().int().min(1).max(100_000).default(10_000),
  })
  .strict();

/** Drill-through (明细): the newest sales lines behind a number, filtered as the question was. */
export const drillRequestSchema = z
  .object({
    filters: z.array(filterSchema).max(50).default([]),
    timeRange: timeRangeSchema,
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();

/** An answer taken out of the platform: CSV, or JSON the web app turns into CSV and Excel. */
export const exportRequestSchema = z
  .object({
    query: querySchema,
    format: z.enum(['json', 'csv']).default('json'),
    /** What the person exported (a tile's title), for the audit log. */
    title: z.string().max(200).optional(),
  })
  .strict();

export type QueryInput = z.input<typeof querySchema>;
export type DrillInput = z.input<typeof drillRequestSchema>;
export type Query = z.output<typeof querySchema>;
export type Filter = z.output<typeof filterSchema>;
export type TimeRange = z.output<typeof timeRangeSchema>;
export type CompareMode = (typeof COMPARE_MODES)[number];
