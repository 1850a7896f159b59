import type { Select } from './query-tree.js';

/** A value as the API and UI see it: engine objects never leave the warehouse. */
export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface Rendered {
  sql: string;
  params: Cell[];
}

/** What every analytics engine offers the layers above it. */
export interface Engine {
  readonly name: 'duckdb' | 'clickhouse';
  /** Writes made through this engine so far (see DuckDbEngine.writes); caches of what was read key on it. */
  readonly writes: number;
  /** Prints a query tree in this engine's dialect. */
  render(select: Select): Rendered;
  query(sql: string, params?: Cell[]): Promise<Row[]>;
  run(sql: string, params?: Cell[]): Promise<void>;
  /** Runs `work` in one transaction: all of it lands or none. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}
