import { tableByName } from '../model/index.js';

/** `INSERT INTO t (…)` naming the model's columns in order, less the load id the demo does not set. */
export function insertInto(table: string): string {
  const columns = tableByName(table).columns.filter((c) => c.name !== 'load_id');
  return `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(', ')})`;
}
