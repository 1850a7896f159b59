import type { SchemaStep } from '../appstore/index.js';

/**
 * Alerts' tables in the application store: the channels messages go out by (their secrets sealed) and the delivery
 * queue — a message waits here until its channel takes it, surviving a restart, retried with backoff, each try
 * logged; one row per message (its dedupe key), so an alert re-evaluated does not queue it twice.
 */
export const ALERT_SCHEMA: SchemaStep[] = [
  {
    version: 1,
    sql: [
      `CREATE TABLE IF NOT EXISTS alert_channel (
         id BIGSERIAL PRIMARY KEY,
         name TEXT NOT NULL UNIQUE,
         kind TEXT NOT NULL CHECK (kind IN ('email', 'wecom', 'dingtalk', 'feishu', 'webhook')),
         settings JSONB NOT NULL DEFAULT '{}',
         secret_sealed TEXT,
         per_minute INTEGER NOT NULL DEFAULT 20 CHECK (per_minute > 0),
         created_by TEXT NOT NULL,
         created_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
      `CREATE TABLE IF NOT EXISTS alert_delivery (
         id BIGSERIAL PRIMARY KEY,
         channel_id BIGINT NOT NULL REFERENCES alert_channel (id) ON DELETE CASCADE,
         dedupe_key TEXT NOT NULL UNIQUE,
         message JSONB NOT NULL,
         status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'gave_up')),
         attempts INTEGER NOT NULL DEFAULT 0,
         next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
         claimed_at TIMESTAMPTZ,
         last_error TEXT,
         created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
         sent_at TIMESTAMPTZ)`,
      'CREATE INDEX IF NOT EXISTS alert_delivery_due ON alert_delivery (status, next_attempt_at)',
    ],
  },
  {
    // Rules and, per rule, recipient and group (a store, a region …), whether it is in breach: one message when a
    // breach opens and one when it recovers, none while it stays open.
    version: 2,
    sql: [
      `CREATE TABLE IF NOT EXISTS alert_rule (
         id BIGSERIAL PRIMARY KEY,
         name TEXT NOT NULL,
         definition JSONB NOT NULL,
         owner TEXT NOT NULL,
         muted_until TIMESTAMPTZ,
         last_evaluated_at TIMESTAMPTZ,
         created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
         updated_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
      `CREATE TABLE IF NOT EXISTS alert_state (
         rule_id BIGINT NOT NULL REFERENCES alert_rule (id) ON DELETE CASCADE,
         username TEXT NOT NULL,
         group_key TEXT NOT NULL,
         status TEXT NOT NULL CHECK (status IN ('open', 'recovered')),
         opened_at TIMESTAMPTZ NOT NULL,
         recovered_at TIMESTAMPTZ,
         last_value DOUBLE PRECISION,
         PRIMARY KEY (rule_id, username, group_key))`,
    ],
  },
  {
    // A rule's history (each breach opened and recovered, with its message and why), and snoozing one breach.
    version: 3,
    sql: [
      `CREATE TABLE IF NOT EXISTS alert_event (
         id BIGSERIAL PRIMARY KEY,
         rule_id BIGINT NOT NULL REFERENCES alert_rule (id) ON DELETE CASCADE,
         username TEXT NOT NULL,
         group_key TEXT NOT NULL,
         event TEXT NOT NULL CHECK (event IN ('open', 'recovered')),
         at TIMESTAMPTZ NOT NULL,
         value DOUBLE PRECISION,
         text TEXT NOT NULL,
         why JSONB)`,
      'CREATE INDEX IF NOT EXISTS alert_event_rule ON alert_event (rule_id, at DESC)',
      'ALTER TABLE alert_state ADD COLUMN IF NOT EXISTS snoozed_until TIMESTAMPTZ',
    ],
  },
  {
    // Subscriptions (订阅): a dashboard, or one of its tiles, sent on a schedule to people by their channels.
    version: 4,
    sql: [
      `CREATE TABLE IF NOT EXISTS subscription (
         id BIGSERIAL PRIMARY KEY,
         name TEXT NOT NULL,
         definition JSONB NOT NULL,
         owner TEXT NOT NULL,
         last_run_at TIMESTAMPTZ,
         created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
         updated_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    ],
  },
];
