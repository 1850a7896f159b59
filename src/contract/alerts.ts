import { z } from 'zod';
import type { Attribution } from './anomalies.js';
import { COMPARE_MODES, filterSchema } from './query.js';

/**
 * Alert rules (预警) as the API takes them: a catalogue metric, cut by dimensions it allows, over a period counted back
 * from the newest data, and a condition — a threshold, a change against a comparison, or attainment behind the
 * phased target — evaluated on a cron schedule in a time zone, each recipient's message computed with that
 * recipient's grants and sent by a channel.
 */
export const alertConditionSchema = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('threshold'), op: z.enum(['below', 'above']), value: z.number() })
    .strict()
    .describe('fires when the metric is below (or above) the value; ratios as fractions: 0.18 for 18%'),
  z
    .object({
      kind: z.literal('change'),
      compare: z.enum(COMPARE_MODES),
      direction: z.enum(['down', 'up']),
      by: z
        .number()
        .positive()
        .describe('a fraction for amounts (0.15: 15%), points as a fraction for ratios (0.02: 2 pp)'),
    })
    .strict(),
  z
    .object({ kind: z.literal('forecast_band') })
    .strict()
    .describe(
      'net_sales outside the newest forecast’s P10–P90 band (needs a forecast run covering the period)',
    ),
  z
    .object({
      kind: z.literal('freshness'),
      since: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM')
        .describe(
          'fires for a trading store with no sales since this time of the day (in the rule’s time zone)',
        ),
    })
    .strict(),
  z
    .object({
      kind: z.literal('anomaly'),
      minImpact: z
        .number()
        .min(0)
        .default(0)
        .describe('only days whose gap is worth at least this many yuan'),
    })
    .strict()
    .describe(
      'a store-day the anomaly scan flags on this KPI (net_sales, orders, atv, gross_margin, visitors, conversion_rate)',
    ),
  z
    .object({
      kind: z.literal('attainment'),
      behind: z
        .number()
        .positive()
        .max(1)
        .describe('fires when attainment is this far below 100% (0.1: 10 pp)'),
    })
    .strict(),
]);

/** When and to whom a rule or a subscription speaks: a cron schedule in a time zone, people by their channels. */
const deliveredSchema = {
  schedule: z
    .string()
    .min(9)
    .max(100)
    .default('30 8 * * *')
    .describe('cron: minute hour day month weekday (daily 08:30: 30 8 * * *; Mondays 9:00: 0 9 * * 1)'),
  timezone: z.string().min(1).max(64).default('Asia/Shanghai'),
  recipients: z
    .array(z.object({ username: z.string().min(1).max(64), channel: z.number().int().positive() }).strict())
    .min(1)
    .max(200),
};

export const alertRuleInputSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    metric: z.string().min(1).max(64),
    dimensions: z.array(z.string().min(1).max(64)).max(2).default([]),
    filters: z.array(filterSchema).max(10).default([]),
    period: z.string().min(1).max(16).default('last1').describe('last1 (the newest day), last7, mtd, …'),
    condition: alertConditionSchema,
    ...deliveredSchema,
  })
  .strict();
export type AlertRuleInput = z.input<typeof alertRuleInputSchema>;
export type AlertRuleDefinition = z.output<typeof alertRuleInputSchema>;

export type AlertChannelKind = 'email' | 'wecom' | 'dingtalk' | 'feishu' | 'webhook';

export interface ChannelView {
  id: number;
  name: string;
  kind: AlertChannelKind;
  /** What is not secret (the SMTP host, the recipients); the secrets are never returned. */
  settings: Record<string, unknown>;
  hasSecret: boolean;
  perMinute: number;
  createdBy: string;
}

export interface DeliveryView {
  id: number;
  channel: string;
  title: string;
  status: 'pending' | 'sending' | 'sent' | 'gave_up';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** A subscription (订阅): a dashboard, or one of its tiles (a saved question), delivered on a schedule. */
export const subscriptionInputSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    dashboardId: z.number().int().positive().max(2_147_483_647),
    /** One tile of the dashboard (a saved question) instead of the whole of it. */
    tileId: z.string().min(1).max(40).optional(),
    ...deliveredSchema,
  })
  .strict();
export type SubscriptionInput = z.input<typeof subscriptionInputSchema>;
export type SubscriptionDefinition = z.output<typeof subscriptionInputSchema>;

/** What a rule would find today for one person (the editor's live preview), sent nowhere. */
export interface AlertPreviewRow {
  label: string;
  value: number;
  detail: string;
  period: { from: string; to: string };
}

/** A rule's history: a breach opened or recovered, with its message and why. */
export interface AlertEvent {
  id: number;
  username: string;
  group: string;
  groupKey: string;
  event: 'open' | 'recovered';
  at: string;
  value: number | null;
  text: string;
  why: Attribution | null;
  /** While the breach is open and snoozed: until when (its recovery is not sent meanwhile). */
  snoozedUntil: string | null;
}

/** A subscription as saved. */
export type Subscription = SubscriptionDefinition & {
  id: number;
  owner: string;
  lastRunAt: string | null;
  createdAt: string;
};
