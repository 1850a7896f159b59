import type { Row } from '../warehouse/index.js';
import type { Label, Unit } from './catalog/index.js';
import type { BucketCoverage, Coverage, StoreCoverage } from './coverage.js';
import type { TimeRange } from './query.js';

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
    timeRange: TimeRange;
    compareRange?: TimeRange;
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
