import { ZhongtaiError } from '../model/index.js';
import type { Select } from './query-tree.js';

/** A value as the API and UI see it: engine objects never leave the warehouse. */
export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface Rendered {
  sql: string;
  params: Cell[];
}

/** What every analytics engine offers the layers above it. */
/** How a read may run. */
export interface QueryOptions {
  /** Stop the statement after this long; it then fails with QUERY_LIMIT. */
  timeoutMs?: number;
}

export interface Engine {
  readonly name: 'duckdb' | 'clickhouse';
  /** Writes made through this engine so far (see DuckDbEngine.writes); caches of what was read key on it. */
  readonly writes: number;
  /** Prints a query tree in this engine's dialect. */
  render(select: Select): Rendered;
  query(sql: string, params?: Cell[], options?: QueryOptions): Promise<Row[]>;
  run(sql: string, params?: Cell[]): Promise<void>;
  /** Runs `work` in one transaction: all of it lands or none. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}

/** A read stopped by its time limit (QueryOptions.timeoutMs). */
export const tookTooLong = (ms: number) =>
  new ZhongtaiError('QUERY_LIMIT', {
    en: `The query ran longer than ${ms / 1000} s and was stopped; narrow the cut: fewer dimensions or metrics, a shorter period, a filter, or a smaller limit`,
    zh: `查询运行超过 ${ms / 1000} 秒，已被终止；请缩小查询范围：减少维度或指标、缩短期间、增加筛选或减小 limit`,
  });
