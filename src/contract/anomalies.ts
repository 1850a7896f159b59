import type { TimeRange } from './query.js';

/**
 * What the anomaly scan (智能洞察) and attribution (归因) answer: flagged store-days, the feed's episodes, and why a
 * KPI moved. Types only, but for the KPIs the scan reads.
 */
export const SCAN_KPIS = [
  'net_sales',
  'orders',
  'atv',
  'gross_margin',
  'visitors',
  'conversion_rate',
] as const;
export type ScanKpi = (typeof SCAN_KPIS)[number];

export interface AnomalyDay {
  storeId: number;
  storeCode: string;
  store: string;
  format: string;
  region: string;
  date: string;
  kpi: ScanKpi;
  actual: number;
  expected: number;
  low: number;
  high: number;
  direction: 'down' | 'up';
  /** How far out, in robust standard deviations of the store's own residuals. */
  score: number;
  /** What the day cost or brought beyond the expected, in yuan (always ≥ 0; the direction says which). */
  impact: number;
}

export interface Contribution {
  member: string;
  value: number | null;
  baseline: number | null;
  /** Its part of the change, in the metric's unit (points as a fraction for rates); the parts sum to the change. */
  contribution: number;
  /** contribution ÷ change (1 = all of it). */
  share: number | null;
}

export interface Part {
  metric: string;
  value: number | null;
  baseline: number | null;
  /** Relative change (0.1: +10%). */
  change: number | null;
}

export interface Attribution {
  metric: string;
  period: TimeRange;
  baselinePeriod: TimeRange | null;
  value: number | null;
  baseline: number | null;
  change: number | null;
  /** For a ratio: its numerator and denominator, and which of them carried the change. */
  ratio?: { numerator: Part; denominator: Part; moved: 'numerator' | 'denominator' | 'both' };
  /** Per dimension, its members' contributions, the dimension whose top member explains most first. */
  dimensions: { dimension: string; contributors: Contribution[] }[];
  /** One or two sentences a manager reads in a message. */
  summary: { zh: string; en: string };
}

export interface Insight {
  store: string;
  storeCode: string;
  region: string;
  format: string;
  from: string;
  to: string;
  /** The flagged days of the episode, largest impact first. */
  days: AnomalyDay[];
  /** The KPI of the largest gap. */
  lead: AnomalyDay;
  impact: number;
  why?: Attribution;
}
