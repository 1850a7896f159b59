/** The shapes of what the server answers (types only). */
import type { Grant } from './access.js';
import type { Share } from './dashboards.js';

/** A name in both languages the product speaks. */
export interface Label {
  zh: string;
  en: string;
}

/** `pp`: percentage points (the change of a ratio), written in points: 6.4 means 6.4 个百分点. */
export type Unit =
  | 'CNY'
  | 'count'
  | 'percent'
  | 'ratio'
  | 'CNY_per_m2'
  | 'days'
  | 'CNY_per_hour'
  | 'hours'
  | 'pp';

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

/** How much of a period holds data: days with rows of every fact the metrics read, of the period's days. */
export interface Coverage {
  from: string;
  to: string;
  days: number;
  /** Days on which every fact read has rows (the least covered fact decides). */
  daysWithData: number;
  /** True when some day of the period holds no data. */
  partial: boolean;
}

/** A store's days with data in each period, where it has markedly fewer than the chain. */
export interface StoreCoverage {
  period: number;
  comparison?: number;
  /** Which of the two periods it covers markedly less of than the chain. */
  short: { period: boolean; comparison: boolean };
}

/** A time bucket (week or coarser) with data on fewer of its days than it has. */
export interface BucketCoverage {
  days: number;
  daysWithData: number;
}

/** One order suggestion (以销定采) for a store × SKU. */
export interface Suggestion {
  store: number;
  storeName: string;
  sku: number;
  name: string;
  category: string;
  onHand: number;
  onOrder: number;
  /** Forecast units until the next order arrives. */
  demand: number;
  safety: number;
  order: number;
  packs: number;
  /** The order at unit cost (CNY): what the buyer commits. */
  orderCost: number;
  shelfLife: number | null;
}

/** A forecast run kept in the warehouse: which level, model and origin, no store's figures. */
export interface ForecastRun {
  runId: number;
  createdAt: string;
  level: string;
  model: string;
  /** The last day the model knew; it forecast the `horizon` days after it. */
  origin: string;
  horizon: number;
  series: number;
  seconds: number;
}

/** How the forecast is kept fresh: the last run, the nightly schedule, and how the forecast did on the last day with sales. */
export interface ForecastStatus {
  lastRun: ForecastRun | null;
  /** The server's nightly schedule (cron, chain time), or null when forecasts are run by hand. */
  schedule: string | null;
  nextRun: string | null;
  /** A scheduled run that failed, with its message, until one succeeds. */
  lastError: string | null;
  lastDay: {
    date: string;
    runId: number;
    origin: string;
    stores: number;
    /** 1 − WAPE over the stores with sales that day. */
    accuracy: number;
  } | null;
}

/** One version of a dashboard in its history. */
export interface DashboardVersion {
  version: number;
  name: string;
  tiles: number;
  change: string;
  changedBy: string | null;
  changedAt: string;
}

/** Who did what, when, from where: sign-ins, grants, tokens, exports, loads. Never a password or a secret. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string | null;
  /** One of AUDIT_ACTIONS when written; a log kept from older versions may hold others. */
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
}

/** A person who signs in, as the user list shows them. */
export interface User {
  id: number;
  username: string;
  displayName: string;
  role: string;
  disabled: boolean;
  grants: Grant[];
  createdAt: string;
  lastLoginAt: string | null;
}

/** A dashboard as its reader gets it; `T` is the tile (a saved question), typed by each side. */
export interface Dashboard<T> {
  id: number;
  name: string;
  tiles: T[];
  /** Its maker's user name; null for the ready-made ones, which only administrators change. */
  owner: string | null;
  shares: Share[];
  version: number;
  createdAt: string;
  updatedAt: string;
  /** What the one asking may do with it. */
  canEdit: boolean;
  canDelete: boolean;
}

/** What an answer is: its columns, its rows, and what a reader needs to trust them. */
export interface ColumnMeta {
  id: string;
  kind: 'dimension' | 'metric' | 'compare';
  label: Label;
  unit?: Unit;
  /** For compare columns: the metric and what the column holds. */
  metric?: string;
  compare?: 'previous' | 'delta' | 'pct';
}

export interface QueryResult {
  columns: ColumnMeta[];
  rows: Row[];
  meta: {
    timeRange: { from: string; to: string };
    compareRange?: { from: string; to: string };
    /**
     * Days with data in each period; cut by store, `stores` names those covering markedly less than the
     * chain (opened, closed or missing days), with their own days.
     */
    coverage: {
      period: Coverage;
      comparison?: Coverage;
      stores?: Record<string, StoreCoverage>;
      /** On a week-or-coarser time axis: the buckets holding data on only part of their days. */
      buckets?: Record<string, BucketCoverage>;
    };
    engine: string;
    /** The rollups the answer was read from (none: straight from the rows). */
    rollups: string[];
    /** Kept from an earlier identical query, with nothing written since. */
    cached: boolean;
    durationMs: number;
    rowCount: number;
    truncated: boolean;
  };
}
