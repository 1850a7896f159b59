import type { SchemaStep } from '../appstore/index.js';

/**
 * The workforce center's tables in the application store. Every save of a store-week's roster is a version of
 * its own (who, when), a publish marks one; clock events are kept as the clocks sent them, a punch sent twice is
 * one row (the key is the device, the person and the minute); the outbox carries published rosters and measured
 * attendance to the warehouse, each row once.
 */
export const WORKFORCE_SCHEMA: SchemaStep[] = [
  {
    version: 1,
    sql: [
      `CREATE TABLE wf_roster (
         store TEXT NOT NULL,
         week DATE NOT NULL,
         version INTEGER NOT NULL CHECK (version >= 1),
         status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'replaced')),
         shifts JSONB NOT NULL,
         note TEXT,
         made_by TEXT NOT NULL,
         made_at TIMESTAMPTZ NOT NULL DEFAULT now(),
         published_by TEXT,
         published_at TIMESTAMPTZ,
         PRIMARY KEY (store, week, version))`,
      `CREATE TABLE wf_clock (
         device TEXT NOT NULL,
         employee TEXT NOT NULL,
         at TIMESTAMP NOT NULL,
         kind TEXT CHECK (kind IS NULL OR kind IN ('in', 'out')),
         received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
         PRIMARY KEY (device, employee, at))`,
      'CREATE INDEX wf_clock_at ON wf_clock (employee, at)',
      `CREATE TABLE wf_outbox (
         id BIGSERIAL PRIMARY KEY,
         topic TEXT NOT NULL,
         payload JSONB NOT NULL,
         at TIMESTAMPTZ NOT NULL DEFAULT now(),
         relayed_at TIMESTAMPTZ)`,
    ],
  },
];
