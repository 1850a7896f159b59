/** A value as the API and UI see it: engine objects never leave the warehouse. */
import type { Cell, Row } from '../contract/index.js';
import { type ColumnType, ZhongtaiError } from '../model/index.js';
import type { Select } from './query-tree.js';

export type { Cell, Row } from '../contract/index.js';

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

/**
 * The reader role: renders a query tree in its dialect and reads. Routes, the metric layer and anything
 * that only answers questions take this; whether the engine is also the warehouse is a capability
 * (`isWarehouse`), never a class check.
 */
export interface Engine {
  readonly name: 'duckdb' | 'clickhouse';
  /** What this engine can do beyond reading. */
  readonly capabilities: { readonly warehouse: boolean };
  /** Writes made through this engine so far (see Warehouse); caches of what was read key on it. */
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

/**
 * The writer role: the warehouse file the product loads into and keeps its own state in — loads and their
 * undo, push idempotency, forecasts, rollups, the demo chain. Statements run one at a time; SQL sent here
 * may be the embedded engine's own dialect (it owns that SQL).
 */
export interface Warehouse extends Engine {
  readonly name: 'duckdb';
  readonly capabilities: { readonly warehouse: true };
  /** Opened without write access (readers beside a running server). */
  readonly readOnly: boolean;
  /** Runs `sql` as a write and returns its rows (inside a transaction, sees its own writes). */
  write(sql: string, params?: Cell[]): Promise<Row[]>;
  /**
   * Reads a large answer a batch of rows at a time (a few thousand): a million-row answer as one array of
   * row objects holds a gigabyte of the heap, where the caller wants a few typed arrays of it.
   */
  eachBatch(sql: string, params: Cell[], onBatch: (rows: Row[]) => void): Promise<void>;
  /** Holds the writer for a series of statements and transactions: nothing else writes in between. */
  hold<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Fills a table from a query tree (a rollup): built whole — dropped and made again with `columns` — or,
   * given a fact table, only the days noted as changed for that fact replaced. Returns its row count.
   */
  materialise(
    table: string,
    columns: MaterialColumn[],
    select: Select,
    changedDaysOf?: string,
  ): Promise<number>;
}

/** A column of a materialised table: a model type, or `total`, a summed measure (exact, 3 places). */
export interface MaterialColumn {
  name: string;
  type: ColumnType | 'total';
}

export const isWarehouse = (engine: Engine): engine is Warehouse => engine.capabilities.warehouse;

/** A read stopped by its time limit (QueryOptions.timeoutMs). */
export const tookTooLong = (ms: number) =>
  new ZhongtaiError('QUERY_LIMIT', {
    en: `The query ran longer than ${ms / 1000} s and was stopped; narrow the cut: fewer dimensions or metrics, a shorter period, a filter, or a smaller limit`,
    zh: `查询运行超过 ${ms / 1000} 秒，已被终止；请缩小查询范围：减少维度或指标、缩短期间、增加筛选或减小 limit`,
  });
