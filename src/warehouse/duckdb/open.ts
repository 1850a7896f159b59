import type { Warehouse } from '../engine.js';
import { DuckDbEngine, type DuckDbOptions } from './connection.js';

export type WarehouseOptions = DuckDbOptions;

/**
 * Opens (or creates) the warehouse file: the embedded DuckDB engine in its writer role, migrated to the
 * latest schema. The one place outside this folder learns which engine that is.
 */
export function openWarehouse(options: WarehouseOptions): Promise<Warehouse> {
  return DuckDbEngine.open(options);
}
